import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, safeUrl } from '../../shared/logger.js';
import { redactError, redactSecrets, redactUrl } from '../../shared/redact.js';

describe('redaction of credentials in URLs and error text', () => {
  it('redacts a userinfo password, a token-like user name and secret query parameters, and leaves the rest as written', () => {
    expect(redactUrl('https://reader:hunter2@feeds.example.org/rss?page=2&token=abc#top')).toBe(
      'https://reader:[redacted]@feeds.example.org/rss?page=2&token=[redacted]#top',
    );
    expect(redactUrl('https://ghp_abcdef@git.example.org/x')).toBe('https://[redacted]@git.example.org/x');
    expect(redactUrl('redis://default:pw@127.0.0.1:6379/0')).toBe('redis://default:[redacted]@127.0.0.1:6379/0');
    for (const name of [
      'token',
      'key',
      'secret',
      'password',
      'access_token',
      'sig',
      'api_key',
      'apiKey',
      'X-Amz-Signature',
      'X-Amz-Credential',
      'client_secret',
      'refresh_token',
      'auth',
    ]) {
      expect(redactUrl(`https://h.example/p?q=1&${name}=VALUE`), name).toBe(
        `https://h.example/p?q=1&${name}=[redacted]`,
      );
    }
    // Parameters that only look similar keep their values: the URL must still say which feed failed.
    expect(redactUrl('https://h.example/tags?hashtag=vigil&keyword=x&limit=40&local=true')).toBe(
      'https://h.example/tags?hashtag=vigil&keyword=x&limit=40&local=true',
    );
    expect(redactUrl('https://h.example/#access_token=abc&state=1')).toBe(
      'https://h.example/#access_token=[redacted]&state=1',
    );
  });

  it('redacts a Bot API token in the path and anywhere in a message', () => {
    const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
    expect(redactUrl(`https://api.telegram.org/bot${token}/getUpdates?offset=5`)).toBe(
      'https://api.telegram.org/bot[redacted]/getUpdates?offset=5',
    );
    expect(redactSecrets(`401: Unauthorized (token ${token})`)).toBe('401: Unauthorized (token [redacted])');
  });

  it('finds every URL inside free text, and redacts an error in place, its cause included', () => {
    expect(
      redactSecrets('fetch https://a:b@x.example/1?key=k failed; then http://y.example/2?sig=s, "z://u:p@q"'),
    ).toBe(
      'fetch https://a:[redacted]@x.example/1?key=[redacted] failed; then http://y.example/2?sig=[redacted], "z://u:[redacted]@q"',
    );
    const err = new Error('GET https://u:pw@x.example/feed failed', {
      cause: new Error('redirected to https://x.example/login?password=pw'),
    });
    expect(redactError(err)).toBe(err);
    expect(err.message).toBe('GET https://u:[redacted]@x.example/feed failed');
    expect(err.stack).not.toContain('pw@');
    expect((err.cause as Error).message).toBe('redirected to https://x.example/login?password=[redacted]');
    expect(safeUrl('postgres://vigil:pw@db:5432/vigil')).toBe('postgres://vigil:[redacted]@db:5432/vigil');
  });

  it('keeps them out of log lines: error messages and stacks, string fields and the message itself', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const log = createLogger({ level: 'info', format: 'json' }, 'production', sink);
    log.warn(
      {
        err: new Error('GET https://u:hunter2@x.example/rss?token=t0ps3cret answered 500'),
        url: 'https://x.example/?api_key=t0ps3cret',
      },
      'source failed: https://u:hunter2@x.example/',
    );
    log.warn({ err: 'connect https://u:hunter2@r.example failed' }, 'redis connection error');
    const out = lines.join('');
    expect(out).not.toMatch(/hunter2|t0ps3cret/);
    expect(out).toContain('https://u:[redacted]@x.example/rss?token=[redacted]');
  });
});
