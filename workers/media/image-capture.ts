import { FetchError, type Fetched, type Fetcher } from '../ingest/http-fetcher.js';
import { BadImage } from '../../shared/media/image-decode.js';

/** Response headers kept as capture metadata; cookies never are. */
const KEPT_HEADERS = [
  'date',
  'content-type',
  'content-length',
  'last-modified',
  'etag',
  'server',
  'cache-control',
  'age',
];

/** A Content-Type that could be an image: a CDN may say octet-stream, but a page or a script is not a picture. */
const plausible = (ct: string | undefined) =>
  !ct || /^(image\/|application\/octet-stream|binary\/octet-stream)/i.test(ct.trim());

export interface CapturedImage {
  bytes: Buffer;
  capture: { url: string; fetchedAt: string; status: number; headers: Record<string, string> };
}

/**
 * Downloads one image through the ingest fetcher: http(s) only, the SSRF guard on every connection and
 * redirect hop, one request per host per interval, a timeout and a size cap. A body that is too large or
 * served as something else is a BadImage (quarantined); a network failure is a FetchError (logged, skipped).
 */
export async function captureImage(fetcher: Fetcher, url: string): Promise<CapturedImage> {
  let res: Fetched;
  try {
    res = await fetcher.get(url, {
      headers: { accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1' },
    });
  } catch (err) {
    if (err instanceof FetchError && err.kind === 'too_large')
      throw new BadImage(`too large: ${err.message}`, err.partial);
    throw err;
  }
  const headers = Object.fromEntries(
    KEPT_HEADERS.filter((h) => res.headers[h] !== undefined).map((h) => [h, res.headers[h]!]),
  );
  if (!plausible(res.headers['content-type']))
    throw new BadImage(`wrong type: served as ${JSON.stringify(res.headers['content-type'])}, not an image`, res.body);
  return { bytes: res.body, capture: { url: res.url, fetchedAt: res.fetchedAt, status: res.status, headers } };
}
