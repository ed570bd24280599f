/**
 * `npm run bench:evidence`: exports a 10,000-post campaign as one bundle, sampling the process's RSS
 * while it streams, then verifies the bundle. Uses its own scratch database.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classify } from '../shared/classifier/index.js';
import { capturePost } from '../shared/domain/post.js';
import { writeBundle } from '../shared/evidence/bundle.js';
import { loadOrCreateSigningKey } from '../shared/evidence/signing-key.js';
import { verifyBundle } from '../shared/evidence/verify.js';
import { insertEmptyCampaign } from '../shared/repositories/campaign.repository.js';
import { insertFlagged, setItemsCampaign } from '../shared/repositories/review-item.repository.js';
import { scratchDatabase } from './scratch-database.js';

const N = Number(process.env.BENCH_POSTS ?? 10_000);
const scratch = await scratchDatabase('evidence');
const { db } = scratch;
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-evidence-'));
try {
  const campaign = await insertEmptyCampaign(db);
  const text = (i: number) =>
    `£${100 + (i % 50)} to anyone who sprays the mosque in E1${i % 10}, send a pic to @payday_admin. Repost ${i} of the campaign, with the usual rules: photo proof, payment same day.`;
  for (let i = 0; i < N; i += 500) {
    const items = Array.from({ length: Math.min(500, N - i) }, (_, k) => {
      const t = text(i + k);
      const raw = Buffer.from(
        `<div class="tgme_widget_message_wrap"><div class="tgme_widget_message_text">${t}</div></div>`,
      );
      return {
        post: capturePost(
          {
            source: 'bench',
            platform: 'telegram',
            channel: `chan_${(i + k) % 40}`,
            externalId: String(i + k),
            text: t,
          },
          raw,
          'text/html; charset=utf-8',
          { url: 'https://t.me/s/bench', fetchedAt: new Date().toISOString(), fetcher: 'bench', status: 200 },
        ),
        verdict: classify(t),
      };
    });
    const created = await insertFlagged(db, items);
    await setItemsCampaign(
      db,
      created.map((c) => c.reviewItemId),
      campaign.id,
    );
  }

  const key = loadOrCreateSigningKey(join(dir, 'key.pem'));
  const out = join(dir, 'bundle.zip');
  global.gc?.();
  const rssStart = process.memoryUsage().rss;
  let peak = rssStart;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const t0 = performance.now();
  const result = await writeBundle(
    db,
    { campaignId: campaign.id, createdBy: 'bench', createdById: null, recipient: 'bench', purpose: 'benchmark' },
    key,
    createWriteStream(out),
  );
  const exportMs = performance.now() - t0;
  clearInterval(sampler);
  const t1 = performance.now();
  const verified = await verifyBundle(out, { fingerprint: key.fingerprint });
  const verifyMs = performance.now() - t1;
  if (verified.verdict !== 'verified') throw new Error(`bundle did not verify: ${verified.problems.join('; ')}`);
  const row = {
    posts: result.items,
    files: result.files,
    bundle_mb: Math.round(statSync(out).size / 1e5) / 10,
    export_s: Math.round(exportMs / 100) / 10,
    rss_before_mb: Math.round(rssStart / 1e5) / 10,
    peak_rss_mb: Math.round(peak / 1e5) / 10,
    verify_s: Math.round(verifyMs / 100) / 10,
  };
  console.table([row]);
  console.log(JSON.stringify(row));
} finally {
  await scratch.drop();
  rmSync(dir, { recursive: true, force: true });
}
