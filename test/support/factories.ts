import { capturePost, type Capture, type CapturedPost, type PostFields } from '../../shared/domain/post.js';
import type { FlaggedInput } from '../../shared/repositories/review-item.repository.js';
import { builtVerdict } from './verdicts.js';

/** A post's fields, and what its capture may differ in: the raw bytes (the text by default), their type and the capture record. */
export interface PostOverrides extends Partial<PostFields> {
  raw?: Uint8Array;
  contentType?: string;
  capture?: Partial<Capture>;
}

/**
 * A captured post as tests insert or enqueue it: a Telegram post of `east_watch` by default, its text as its raw
 * bytes, captured just now from the channel's page. With (externalId, text, channel), also the post's URL and a
 * post time, as a t.me reader captures it.
 */
export function makePost(overrides?: PostOverrides): CapturedPost;
export function makePost(externalId: string, text: string, channel?: string): CapturedPost;
export function makePost(first: PostOverrides | string = {}, text?: string, channel = 'east_watch'): CapturedPost {
  if (typeof first === 'string')
    return makePost({
      externalId: first,
      text: text!,
      channel,
      url: `https://t.me/${channel}/${first}`,
      publishedAt: '2026-11-29T20:15:00Z',
    });
  const { raw, contentType = 'text/plain', capture, ...fields } = first;
  const post = {
    source: 'test',
    platform: 'telegram',
    channel: 'east_watch',
    externalId: '1',
    text: 'a post',
    ...fields,
  };
  return capturePost(post, raw ?? Buffer.from(post.text), contentType, {
    url: `https://t.me/s/${post.channel}`,
    fetchedAt: new Date().toISOString(),
    fetcher: 'test',
    ...capture,
  });
}

/** A post and its verdict as insertFlagged and the alert worker take them: a high-severity bounty offer unless told otherwise. */
export const makeItem = (
  post: CapturedPost = makePost(),
  verdict = builtVerdict(['bounty_offer'], 'high'),
): FlaggedInput => ({ post, verdict });
