import { classify as defaultClassify } from '../../shared/classifier/index.js';
import type { Db } from '../../shared/db/client.js';
import type { MediaReading } from '../../shared/domain/media.js';
import type { CapturedPost } from '../../shared/domain/post.js';
import type { Verdict } from '../../shared/domain/verdict.js';
import type { Logger } from '../../shared/logger.js';
import { BadImage } from '../../shared/media/image-decode.js';
import { cleanOcrText, withImages, type ImageVerdict } from '../../shared/media/image-verdict.js';
import type { MediaStore } from '../../shared/media/media-store.js';
import { mediaJobIds, type Handlers } from '../../shared/queues/queue.catalog.js';
import type { Queues } from '../../shared/queues/queues.js';
import { insertPostMedia, lockImages } from '../../shared/repositories/media.repository.js';
import { quarantine } from '../../shared/repositories/quarantine.repository.js';
import { FetchError, type Fetcher } from '../ingest/http-fetcher.js';
import { captureImage } from './image-capture.js';
import { botFileUrl } from './bot-file.js';
import { imageRefs, type ImageRef } from './image-refs.js';
import { pruneMedia } from './media-prune.js';
import type { ImageReadPool } from './image-read-pool.js';

export interface MediaDeps {
  db: Db;
  queues: Queues;
  store: MediaStore;
  fetcher: Fetcher;
  reader: ImageReadPool;
  log: Logger;
  maxPixels: number;
  maxPerPost: number;
  orphanGrace: number;
  classify?: (text: string) => Verdict;
}

/** Quarantined bytes are capped: enough to see what was sent, never a second store of attackers' files. */
const MAX_QUARANTINE_BYTES = 1024 * 1024;

interface Read {
  reading: MediaReading;
  bytes: Buffer;
  verdict: Verdict;
}

/** The URL to fetch and the one to record (a Bot API file URL holds the token), or undefined when the ref cannot be fetched. */
async function locate(
  deps: MediaDeps,
  post: CapturedPost,
  ref: ImageRef,
): Promise<{ url: string; shown: string; token?: string } | undefined> {
  if (ref.url) return { url: ref.url, shown: ref.url };
  if (!ref.fileId || post.platform !== 'telegram') return undefined;
  return botFileUrl(deps.db, deps.fetcher, post.source, ref.fileId);
}

type ImageReadout = Awaited<ReturnType<MediaDeps['reader']['read']>>;

function readingOf(
  image: ImageReadout,
  rest: Pick<MediaReading, 'size' | 'ocrText' | 'kind' | 'capture'>,
): MediaReading {
  return {
    sha256: image.sha256,
    size: rest.size,
    contentType: image.type,
    width: image.width,
    height: image.height,
    phash: image.phash,
    dhash: image.dhash,
    ocrText: rest.ocrText,
    qr: image.qr,
    kind: rest.kind,
    capture: rest.capture,
  };
}

async function quarantineBadImage(
  deps: MediaDeps,
  raw: Buffer,
  reason: string,
  where: Record<string, unknown> & { url: string },
  kind: ImageRef['kind'],
): Promise<void> {
  deps.log.warn({ ...where, reason }, 'bad image quarantined');
  await quarantine(deps.db, [
    {
      sourceId: null,
      stage: 'media',
      reason: `${where.url}: ${reason}`,
      raw: raw.subarray(0, MAX_QUARANTINE_BYTES),
      context: { ...where, kind, size: raw.length },
    },
  ]);
}

/**
 * One image of a post, read and classified; undefined when it is bad (then quarantined) or cannot be fetched.
 * `language` is the caption's, so OCR reads a French post's poster with the French model.
 */
async function readOne(
  deps: MediaDeps,
  classify: (text: string) => Verdict,
  post: CapturedPost,
  ref: ImageRef,
  language: string,
): Promise<Read | undefined> {
  const where = {
    postKey: post.key,
    channel: post.channel,
    externalId: post.externalId,
    url: ref.url ?? `file id ${ref.fileId?.slice(0, 100)}`,
  };
  let bytes: Buffer | undefined;
  let hide = (s: string) => s;
  try {
    const target = await locate(deps, post, ref);
    if (!target) return undefined;
    const { token } = target;
    if (token) hide = (s: string) => s.split(token).join('<token>');
    where.url = target.shown;
    const captured = await captureImage(deps.fetcher, target.url);
    captured.capture.url = hide(captured.capture.url);
    bytes = captured.bytes;
    const image = await deps.reader.read(bytes, { maxPixels: deps.maxPixels }, language);
    // An image OCR cannot finish is still evidence (hashes, QR); it is read as having no text.
    if (image.ocrMissing) deps.log.warn({ ...where, err: image.ocrMissing }, 'OCR unfinished; image kept without text');
    const ocrText = cleanOcrText(image.ocrText);
    const reading = readingOf(image, { size: bytes.length, ocrText, kind: ref.kind, capture: captured.capture });
    return { reading, bytes, verdict: classify(ocrText) };
  } catch (err) {
    if (err instanceof BadImage) {
      await quarantineBadImage(deps, err.bytes ?? bytes ?? Buffer.alloc(0), hide(err.message), where, ref.kind);
      return undefined;
    }
    if (
      err instanceof FetchError ||
      (ref.fileId && err instanceof Error && err.message.startsWith('Bot API getFile'))
    ) {
      // A CDN that is down or refuses is not the image's fault: the post goes on without it.
      deps.log.warn({ ...where, err: hide(err.message) }, 'image not captured');
      return undefined;
    }
    throw err;
  }
}

/**
 * Reads a post's images: each downloaded through the guarded fetcher, then read in a thread of the pool
 * (magic bytes, pixel limit, a full decode, hashes, QR code, OCR), its text classified as a segment of its
 * own. A flagged post's images go to the store with their readings, in one transaction that locks them
 * against the retention sweep; an unflagged post's bytes are never written anywhere. Bad images are
 * quarantined with the reason and the job goes on; only Postgres, Redis or the store failing fails it.
 */
export function mediaHandlers(deps: MediaDeps): Handlers<'media'> {
  const classify = deps.classify ?? defaultClassify;
  return {
    'media.read': async ({ post, verdict, meta }) => {
      const reads: Read[] = [];
      for (const ref of imageRefs(post, deps.maxPerPost)) {
        const read = await readOne(deps, classify, post, ref, verdict.language);
        if (read && !reads.some((r) => r.reading.sha256 === read.reading.sha256)) reads.push(read);
      }
      const images: ImageVerdict[] = reads.map((r) => ({
        sha256: r.reading.sha256,
        verdict: r.verdict,
        qr: r.reading.qr,
      }));
      const merged = withImages(verdict, images);
      if (!merged.flagged) return { images: reads.length, flagged: false };
      const media = reads.map((r) => r.reading);
      await deps.db.transaction().execute(async (trx) => {
        await lockImages(
          trx,
          media.map((m) => m.sha256),
        );
        await insertPostMedia(trx, post.key, media);
        for (const r of reads) await deps.store.put(r.bytes);
      });
      await deps.queues.enqueue(
        'items.alert',
        { items: [{ post, verdict: merged, media }], meta },
        { jobId: mediaJobIds(post.key).alert },
      );
      return { images: reads.length, flagged: true, byImage: !verdict.flagged };
    },
    'media.prune': async () => pruneMedia(deps.db, deps.store, deps.orphanGrace, deps.log),
  };
}
