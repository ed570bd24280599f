import PQueue from 'p-queue';
import { fetch, type Response } from 'undici';
import { VIGIL_VERSION } from '../../shared/version.js';
import type { PrivateNetworks } from './address-policy.js';
import {
  AddressRefused,
  guardedDispatcher,
  guardedNodeAgents,
  literalRefused,
  type Resolve,
} from './guarded-connect.js';
import { HostPaused, type HostBudget } from './host-budget.js';

export type { Resolve } from './guarded-connect.js';

export interface FetchPolicy {
  timeoutMs: number;
  /** Bodies beyond this are refused, not truncated: a 10 MB "page" is not a page. */
  maxBytes: number;
  /** Loopback and private ranges are refused unless allowed: all of them, or loopback only (tests). */
  allowPrivateNetworks: PrivateNetworks;
  /** The DNS seam: tests answer here instead of the system resolver. */
  resolve?: Resolve;
  /** At most one request per host per this many milliseconds. */
  perHostIntervalMs: number;
  /** Hosts whose requests share one budget over all processes; a 429 from one pauses it for all. */
  budget?: HostBudget;
  userAgent?: string;
}

export type FetchErrorKind = 'refused' | 'timeout' | 'too_large' | 'rate_limited' | 'http' | 'network';

export class FetchError extends Error {
  constructor(
    message: string,
    readonly kind: FetchErrorKind,
    readonly status?: number,
    /** For 429s: when the server says to come back. */
    readonly retryAfterMs?: number,
    /** For oversized bodies: what was read before giving up, for the quarantine. */
    readonly partial?: Buffer,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface Fetched {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  fetchedAt: string;
}

export interface FetchOptions {
  headers?: Record<string, string>;
  /** Return 3xx answers instead of following them (t.me answers 302 for a channel without a preview). */
  manualRedirect?: boolean;
  /** Statuses to return rather than throw on (304 for conditional GET). */
  accept?: number[];
  /** Headers that carry a credential: sent only while the request's origin is this one, redirect hops included. */
  credentials?: { origin: string; headers: Record<string, string> };
  /** A budgeted host serves lower numbers first (1: hot sources). */
  priority?: number;
}

const MAX_REDIRECTS = 5;

/** Milliseconds to wait from Retry-After (seconds or a date) or an X-RateLimit-Reset date. */
export function retryAfterMs(headers: Headers | Record<string, string>, now = Date.now()): number | undefined {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]) ?? undefined;
  const value = get('retry-after') ?? get('x-ratelimit-reset');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The dispatcher checks every connection; an address literal is also refused here, before fetch's own port rules speak. */
function assertAllowed(url: URL, allow: PrivateNetworks): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FetchError(`refusing ${url.protocol} URL ${url.href}: only http(s) is fetched`, 'refused');
  const refused = literalRefused(url.hostname, allow);
  if (refused) throw new FetchError(refused.message, 'refused');
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchError(
      `${url} declares ${declared} bytes, over the ${maxBytes}-byte limit`,
      'too_large',
      response.status,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      chunks.push(Buffer.from(chunk));
      if (size > maxBytes) {
        await response.body.cancel().catch(() => undefined);
        throw new FetchError(
          `${url} sent more than ${maxBytes} bytes`,
          'too_large',
          response.status,
          undefined,
          Buffer.concat(chunks).subarray(0, maxBytes),
        );
      }
    }
  }
  return Buffer.concat(chunks);
}

/** The final response of a request, read within the size cap; a 429 (pausing a budgeted host) or an unaccepted status throws. */
async function settle(response: Response, url: URL, opts: FetchOptions, policy: FetchPolicy): Promise<Fetched> {
  const headers = Object.fromEntries(response.headers);
  if (response.status === 429) {
    await response.body?.cancel();
    const wait = retryAfterMs(headers) ?? 60_000;
    if (policy.budget?.covers(url.host)) await policy.budget.pause(url.host, wait);
    throw new FetchError(`${url.href} answered 429 Too Many Requests`, 'rate_limited', 429, wait);
  }
  const ok = (response.status >= 200 && response.status < 400) || opts.accept?.includes(response.status);
  if (!ok) {
    await response.body?.cancel();
    throw new FetchError(`${url.href} answered ${response.status}`, 'http', response.status);
  }
  const body = await readCapped(response, policy.maxBytes, url.href);
  return { url: url.href, status: response.status, headers, body, fetchedAt: new Date().toISOString() };
}

/** One request, no redirect followed, its failures as FetchErrors that say what went wrong. */
async function requestOnce(
  url: URL,
  opts: FetchOptions,
  policy: FetchPolicy,
  { userAgent, dispatcher }: { userAgent: string; dispatcher: ReturnType<typeof guardedDispatcher> },
): Promise<Response> {
  assertAllowed(url, policy.allowPrivateNetworks);
  const credentials = opts.credentials && url.origin === opts.credentials.origin ? opts.credentials.headers : {};
  try {
    return await fetch(url, {
      redirect: 'manual',
      headers: { 'user-agent': userAgent, ...opts.headers, ...credentials },
      signal: AbortSignal.timeout(policy.timeoutMs),
      dispatcher,
    });
  } catch (err) {
    const e = err as Error;
    if (e.cause instanceof AddressRefused) throw new FetchError(e.cause.message, 'refused');
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      throw new FetchError(`${url.href} did not answer within ${policy.timeoutMs} ms`, 'timeout');
    throw new FetchError(`${url.href}: ${(e.cause as Error | undefined)?.message ?? e.message}`, 'network');
  }
}

/**
 * HTTP for sources: http(s) only, public addresses only (checked on every connection, redirects included,
 * against the addresses the connection then uses), credentials only to their origin, a timeout, a size
 * cap, and one request per host per interval so a busy watch-list stays polite. `agentFor` gives clients
 * that bring their own HTTP stack (telegraf) node:http agents under the same policy.
 */
export function createFetcher(policy: FetchPolicy) {
  const hosts = new Map<string, PQueue>();
  const queueFor = (host: string) => {
    let q = hosts.get(host);
    if (!q) {
      q = new PQueue({ concurrency: 1, interval: policy.perHostIntervalMs, intervalCap: 1 });
      hosts.set(host, q);
    }
    return q;
  };
  const userAgent =
    policy.userAgent ?? `Vigil/${VIGIL_VERSION} (+public-channel monitoring for hate-incentive campaigns)`;
  const dispatcher = guardedDispatcher(policy.allowPrivateNetworks, policy.resolve);
  const agentFor = guardedNodeAgents(policy.allowPrivateNetworks, policy.resolve);

  const once = (url: URL, opts: FetchOptions) => requestOnce(url, opts, policy, { userAgent, dispatcher });

  async function send(url: URL, opts: FetchOptions): Promise<Response> {
    const budget = policy.budget;
    if (!budget?.covers(url.host)) return queueFor(url.host).add(() => once(url, opts), { throwOnTimeout: true });
    try {
      await budget.acquire(url.host, opts.priority ?? 2);
    } catch (err) {
      if (err instanceof HostPaused) throw new FetchError(`${url.href}: ${err.message}`, 'rate_limited', 429, err.ms);
      throw err;
    }
    return once(url, opts);
  }

  async function get(raw: string, opts: FetchOptions = {}): Promise<Fetched> {
    let url = new URL(raw);
    for (let hop = 0; ; hop++) {
      const response = await send(url, opts);
      const location = response.headers.get('location');
      if (
        response.status >= 300 &&
        response.status < 400 &&
        location &&
        !opts.manualRedirect &&
        response.status !== 304
      ) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS)
          throw new FetchError(`${raw}: more than ${MAX_REDIRECTS} redirects`, 'http', response.status);
        url = new URL(location, url);
        continue;
      }
      return settle(response, url, opts, policy);
    }
  }

  /** The same fetcher, its requests to budgeted hosts at this priority: a poll passes its source's tier this way. */
  const withPriority = (priority: number) => ({
    get: (raw: string, opts: FetchOptions = {}) => get(raw, { priority, ...opts }),
    agentFor,
    withPriority,
  });
  return { get, agentFor, withPriority };
}

export type Fetcher = ReturnType<typeof createFetcher>;
