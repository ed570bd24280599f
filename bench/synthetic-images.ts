import QRCode from 'qrcode';
import sharp from 'sharp';

/**
 * Synthetic images for tests and benchmarks, made here and never downloaded: offer posters (words and a
 * QR code, no real people, no slurs), benign flyers, and abstract "photos" of coloured shapes.
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface PosterSpec {
  lines: string[];
  qr?: string;
  width?: number;
  height?: number;
  background?: string;
}

export async function poster({
  lines,
  qr,
  width = 1280,
  height = 720,
  background = '#fff8e0',
}: PosterSpec): Promise<Buffer> {
  const size = Math.round(height / 11);
  const text = lines
    .map(
      (l, i) =>
        `<text x="${Math.round(width / 20)}" y="${Math.round(height / 5) + i * Math.round(size * 1.45)}" font-family="DejaVu Sans" font-weight="bold" font-size="${i === 0 ? size : Math.round(size * 0.8)}" fill="#111">${esc(l)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/><rect x="8" y="8" width="${width - 16}" height="${height - 16}" fill="none" stroke="#b00" stroke-width="10"/>${text}</svg>`;
  const layers = [];
  if (qr) {
    const side = Math.round(height * 0.32);
    layers.push({
      input: await QRCode.toBuffer(qr, { type: 'png', margin: 2, width: side }),
      left: width - side - Math.round(width / 25),
      top: height - side - Math.round(height / 20),
    });
  }
  return sharp(Buffer.from(svg)).composite(layers).png().toBuffer();
}

/** The offer poster the Done-when scenario uses. */
export const OFFER_POSTER: PosterSpec = {
  lines: ['£100 to whoever paints', 'the mosque on X Road E10', 'send pic, t.me/somechannel'],
  qr: 'https://t.me/somechannel',
};
export const BENIGN_FLYER: PosterSpec = {
  lines: ['Community bake sale', 'Saturday 10am at the library', 'all welcome, bring a friend'],
  background: '#e8f4ff',
};

/** A seeded abstract picture: overlapping coloured circles and bands, different for every seed. */
export async function photo(seed: number, width = 1280, height = 720): Promise<Buffer> {
  let s = seed * 2654435761 + 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) % 10_000) / 10_000;
  const colour = () => `rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)})`;
  const shapes = Array.from(
    { length: 14 },
    () =>
      `<circle cx="${Math.round(rnd() * width)}" cy="${Math.round(rnd() * height)}" r="${Math.round(40 + (rnd() * height) / 2)}" fill="${colour()}" fill-opacity="0.8"/>`,
  ).join('');
  const bands = Array.from(
    { length: 4 },
    () =>
      `<rect x="0" y="${Math.round(rnd() * height)}" width="${width}" height="${Math.round(20 + rnd() * 80)}" fill="${colour()}" fill-opacity="0.6"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour()}"/>${bands}${shapes}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** A repost: re-encoded as JPEG at `quality` and resized to `width`. */
export const reencode = (img: Buffer, quality: number, width: number) =>
  sharp(img).resize(width).jpeg({ quality }).toBuffer();
