import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../shared/evidence/verify.js';
import { craftZip, deflated, zeros, type CraftEntry } from '../support/zip-craft.js';
import { tempDir } from '../support/tmp.js';

const save = (entries: CraftEntry[]) => {
  const file = join(tempDir(), 'crafted.zip');
  writeFileSync(file, craftZip(entries));
  return file;
};

/** Runs `fn` while sampling RSS; returns its result, how long it took and how far RSS rose above the start. */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; rssRise: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  const t0 = performance.now();
  try {
    const result = await fn();
    return { result, ms: performance.now() - t0, rssRise: Math.max(peak, process.memoryUsage().rss) - start };
  } finally {
    clearInterval(sampler);
  }
}

describe('vigil verify on a hostile zip', () => {
  it('refuses a 2 MB zip that inflates to 2 GiB at once, without inflating it', async () => {
    const bomb = save([{ name: 'manifest.json', data: zeros(2048), size: 2 ** 31 }]);
    const { result, ms, rssRise } = await measured(() => verifyBundle(bomb));
    expect(result).toMatchObject({
      ok: false,
      verdict: 'refused',
      problems: ['refused: manifest.json inflates to 2048 MiB, over the per-file limit of 128 MiB (--max-entry-bytes)'],
    });
    expect(ms).toBeLessThan(1_000);
    expect(rssRise).toBeLessThan(64 * 2 ** 20);
  });

  it('refuses many entries that together inflate past the total, and an entry compressed past the ratio', async () => {
    const many = save(
      Array.from({ length: 12 }, (_, i) => ({ name: `items/${i}/report.html`, data: zeros(100), size: 100 * 2 ** 20 })),
    );
    expect((await verifyBundle(many, { limits: { maxRatio: 2_000 } })).problems).toEqual([
      'refused: the entries inflate to more than 1024 MiB in all (--max-total-bytes)',
    ]);
    expect((await verifyBundle(many)).problems).toEqual([
      expect.stringMatching(
        /^refused: items\/0\/report.html inflates 10\d\d times its compressed size, over the limit of 100 \(--max-ratio\)$/,
      ),
    ]);
  });

  it('refuses entries that share one compressed run (the overlapping-file bomb)', async () => {
    const kernel: CraftEntry = { name: 'a.html', data: zeros(50), size: 50 * 2 ** 20 };
    const overlapping = save([
      kernel,
      ...Array.from({ length: 8 }, (_, i) => ({ ...kernel, name: `copy-${i}.html`, sameAs: 0 })),
    ]);
    const { result, ms } = await measured(() => verifyBundle(overlapping, { limits: { maxRatio: 2_000 } }));
    expect(result.verdict).toBe('refused');
    expect(result.problems).toEqual([
      expect.stringMatching(/^refused: entries a.html and copy-\d.html overlap in the zip/),
    ]);
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses more entries than the limit, and stops at the time limit', async () => {
    const files = Array.from({ length: 11 }, (_, i) => deflated(`f${i}.txt`, Buffer.from(`file ${i}`)));
    expect((await verifyBundle(save(files), { limits: { maxEntries: 10 } })).problems).toEqual([
      'refused: 11 entries, over the limit of 10 (--max-entries)',
    ]);
    const slow = save([{ name: 'report.html', data: zeros(200), size: 200 * 2 ** 20 }]);
    const { result, ms } = await measured(() =>
      verifyBundle(slow, { limits: { maxRatio: 2_000, maxEntryBytes: 2 ** 30, timeoutMs: 20 } }),
    );
    expect(result.problems).toEqual(['refused: reading took longer than 0.02 s (--timeout)']);
    expect(ms).toBeLessThan(500);
  });

  it('stops an entry that inflates past the size it declares', async () => {
    const liar = save([{ name: 'report.html', data: zeros(1024), size: 1_000 }]);
    const { result, ms, rssRise } = await measured(() => verifyBundle(liar));
    expect(result).toMatchObject({
      ok: false,
      verdict: 'not-verified',
      problems: [expect.stringMatching(/^not a readable zip: too many bytes in the stream/)],
    });
    expect(ms).toBeLessThan(1_000);
    expect(rssRise).toBeLessThan(64 * 2 ** 20);
  });

  it('names entries that unzip to the same file', async () => {
    const twice = save([
      deflated('report.html', Buffer.from('<script>planted</script>')),
      deflated('report.html', Buffer.from('genuine')),
      deflated('Custody.json', Buffer.from('{}')),
      deflated('./custody.json', Buffer.from('{}')),
    ]);
    expect((await verifyBundle(twice)).problems).toEqual([
      'duplicate: report.html occurs 2 times in the zip; an unzip tool keeps one of them, not necessarily the one checked',
      'duplicate: Custody.json, ./custody.json unzip to the same file; an unzip tool keeps one of them, not necessarily the one checked',
      'manifest.json is missing',
    ]);
  });
});
