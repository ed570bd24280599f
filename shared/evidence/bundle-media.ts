import escapeHtml from 'escape-html';
import type { PostMediaRow } from '../db/database.js';
import type { RationaleSpan } from '../domain/verdict.js';
import { EXTENSION, sniffImageType, type ImageType } from '../media/image-type.js';
import type { MediaStore } from '../media/media-store.js';
import { highlighted } from './report.js';

/** One kept image of an item, with its bytes when the store still has them. */
export interface ItemImage {
  row: PostMediaRow;
  bytes: Buffer | undefined;
  /** Its path in the bundle, relative to the item's folder. */
  path: string;
}

/** An image is stored under its SHA-256 with the extension its magic bytes give, never a name the sender chose. */
export const imagePath = (row: Pick<PostMediaRow, 'sha256' | 'content_type'>) =>
  `media/${row.sha256}.${EXTENSION[row.content_type as ImageType] ?? 'bin'}`;

export async function readItemImages(rows: PostMediaRow[], store: MediaStore | undefined): Promise<ItemImage[]> {
  const seen = new Set<string>();
  const out: ItemImage[] = [];
  for (const row of rows) {
    if (seen.has(row.sha256)) continue;
    seen.add(row.sha256);
    out.push({ row, bytes: store ? await store.get(row.sha256) : undefined, path: imagePath(row) });
  }
  return out;
}

/** item.json's account of the images: where each is, what it read, where it came from. */
export const imagesJson = (images: ItemImage[]) =>
  images.map(({ row, bytes, path }) => ({
    path,
    sha256: row.sha256,
    size: row.size,
    contentType: row.content_type,
    width: row.width,
    height: row.height,
    phash: row.phash,
    dhash: row.dhash,
    ocrText: row.ocr_text,
    qr: row.qr,
    kind: row.kind,
    capture: row.capture,
    ...(bytes ? {} : { missing: 'the bytes were not in the media store when the bundle was written' }),
  }));

/**
 * The images in the report as data: URIs (the report stays one self-contained, script-free file). Only
 * bytes whose magic says JPEG, PNG, GIF or WebP are embedded, under that type; SVG never is.
 */
export function imagesSection(images: ItemImage[], rationale: RationaleSpan[]): string {
  if (images.length === 0) return '';
  const figures = images.map(({ row, bytes }) => {
    const type = bytes ? sniffImageType(bytes) : undefined;
    const img =
      bytes && type
        ? `<img src="data:${type};base64,${bytes.toString('base64')}" alt="image ${row.sha256.slice(0, 12)}" style="max-width:100%;max-height:40rem">`
        : '<p><em>Image bytes not in the bundle.</em></p>';
    return `<figure>${img}<figcaption class="meta">${escapeHtml(row.content_type)} · ${row.width}×${row.height} · ${row.size} bytes · from ${escapeHtml(row.capture.url)}</figcaption>
<p class="hash">SHA-256 ${row.sha256} · pHash ${escapeHtml(row.phash)}</p>
${row.ocr_text ? `<p>Text in the image (OCR):</p><div class="text">${highlighted(row.ocr_text, rationale, (r) => r.image?.sha256 === row.sha256)}</div>` : '<p class="meta">No text read in the image.</p>'}
${row.qr ? `<p>QR code: <span class="hash">${escapeHtml(row.qr)}</span></p>` : ''}</figure>`;
  });
  return `<h3>Images</h3>\n${figures.join('\n')}\n`;
}
