import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { postKey, sha256Hex } from '../../shared/domain/post.js';
import { writeBundle } from '../../shared/evidence/bundle.js';
import { loadOrCreateSigningKey } from '../../shared/evidence/signing-key.js';
import { verifyBundle } from '../../shared/evidence/verify.js';
import { directoryStore } from '../../shared/media/media-store.js';
import { findCampaign } from '../../shared/repositories/campaign.repository.js';
import { keptImages, listPostMedia } from '../../shared/repositories/media.repository.js';
import { listPosts } from '../../shared/repositories/post.repository.js';
import { listItems } from '../../shared/repositories/review-item.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { tmeChannel, type FakeTmePost } from '../support/fake-tme.js';
import { testLog } from '../support/log.js';
import { BENIGN_FLYER, OFFER_POSTER, poster, reencode } from '../support/posters.js';
import { testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';
import { craftZip, deflated } from '../support/zip-craft.js';
import { closeRuntimeTest, testConfig } from '../support/runtime-test.js';

/** Every entry of a zip, by name. */
async function unzip(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

describe('images are evidence: a poster on a fake t.me, end to end', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let tme: FakeServer;
  let auth: Record<string, string>;
  let offer: Buffer;
  let repost: Buffer;
  let flyer: Buffer;
  const prefix = testPrefix();
  const dir = tempDir();
  const storeDir = join(dir, 'media');

  beforeAll(async () => {
    testDb = await createTestDb();
    offer = await poster(OFFER_POSTER);
    // The same poster as a second channel reposts it: re-encoded as JPEG at 70 % and resized.
    repost = await reencode(offer, 70, 960);
    flyer = await poster(BENIGN_FLYER);
    tme = await startFakeServer(() => undefined);
    const cdn = `${tme.url}/file`;
    const channels: Record<string, FakeTmePost[]> = {
      poster_chan: [{ id: 10, text: '', photos: [`${cdn}/poster-10.png`] }],
      repost_chan: [{ id: 20, text: 'Saw this on the way home, thoughts?', photos: [`${cdn}/repost-20.jpg`] }],
      bakes_chan: [{ id: 30, text: 'Lovely turnout on Saturday, thank you all', photos: [`${cdn}/flyer-30.png`] }],
    };
    const files: Record<string, [Buffer, string]> = {
      'poster-10.png': [offer, 'image/png'],
      'repost-20.jpg': [repost, 'image/jpeg'],
      'flyer-30.png': [flyer, 'image/png'],
    };
    tme.setRoute((_req, res, url) => {
      const file = /^\/file\/(.+)$/.exec(url.pathname)?.[1];
      if (file) {
        const [body, type] = files[file] ?? [Buffer.from('not found'), 'text/plain'];
        return send(res, files[file] ? 200 : 404, body, { 'content-type': type, 'cache-control': 'max-age=2592000' });
      }
      const channel = /^\/s\/(\w+)/.exec(url.pathname)?.[1] ?? '';
      const { status, body } = tmeChannel(channel, () => channels[channel] ?? [])(url);
      send(res, status, body, { 'content-type': 'text/html; charset=utf-8' });
    });
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'demo: false',
        'ingest: { allowPrivateNetworks: loopback, perHostInterval: 10ms }',
        `media: { storeDir: "${storeDir}", orphanGrace: 1s }`,
        'sources:',
        ...Object.keys(channels).map(
          (c) =>
            `  - { kind: telegram-web, name: ${c}, channel: ${c}, baseUrl: "${tme.url}", backfill: 10, pollInterval: 1h }`,
        ),
      ].join('\n'),
    );
    const config = testConfig(testDb.url, prefix, dir);
    runtime = await startRuntime(config, testLog, ['api', 'ingest', 'classify', 'alert', 'media'], { listen: false });
    const analyst = await createUser(testDb.db, 'analyst@example.org', 'analyst', null);
    auth = { authorization: `Bearer ${await createApiToken(testDb.db, analyst.id, 'test')}` };
  }, 90_000);

  afterAll(() => closeRuntimeTest(runtime, [tme], testDb, prefix));

  /** The review items by their post's id, each with its post's key (which names its images). */
  const items = async () =>
    (await listItems(testDb.db, { limit: 100, offset: 0 }))
      .map((item) => ({
        ...item,
        postKey: postKey(item.post.platform, item.post.channel, item.post.externalId, item.post.version),
      }))
      .sort((a, b) => (a.post.externalId < b.post.externalId ? -1 : 1));

  it('flags the captionless poster by its image text, with the QR target as a contact, and joins the repost to its campaign', async () => {
    const found = await waitFor(
      async () => ((await items()).length === 2 ? items() : undefined),
      'the poster and its repost to become review items',
      60_000,
    );
    const [first, second] = found;
    expect(first!.post.externalId).toBe('10');
    expect(second!.post.externalId).toBe('20');
    expect(first!.classification.labels).toContain('bounty_offer');

    const offerSha = sha256Hex(offer);
    const imageSpans = first!.classification.rationale.filter((r) => r.image);
    expect(imageSpans.length).toBeGreaterThan(0);
    for (const span of imageSpans) expect(span.image!.sha256).toBe(offerSha);
    expect(imageSpans.map((s) => s.text)).toEqual(expect.arrayContaining(['£100', 'mosque', 'E10']));
    const entities = first!.classification.entities;
    expect(entities.qrTargets).toEqual(['https://t.me/somechannel']);
    expect(entities.contacts).toEqual(expect.arrayContaining(['https://t.me/somechannel', '@somechannel']));

    // The harmless caption does not matter: the picture is the same poster.
    expect(first!.campaignId).not.toBeNull();
    expect(second!.campaignId).toBe(first!.campaignId);
    const campaign = await findCampaign(testDb.db, first!.campaignId!);
    if (!campaign) throw new Error(`campaign ${first!.campaignId} not found`);
    expect(campaign.item_count).toBe(2);
    expect(campaign.channels.sort()).toEqual(['telegram:poster_chan', 'telegram:repost_chan']);

    const media = await listPostMedia(testDb.db, [first!.postKey]);
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({
      sha256: offerSha,
      size: offer.length,
      content_type: 'image/png',
      width: 1280,
      height: 720,
      qr: 'https://t.me/somechannel',
      kind: 'photo',
    });
    expect(media[0]!.ocr_text).toMatch(/£100 to whoever paints/);
    expect(media[0]!.capture).toMatchObject({
      url: `${tme.url}/file/poster-10.png`,
      status: 200,
      headers: { 'content-type': 'image/png' },
    });
    expect(readFileSync(join(storeDir, offerSha.slice(0, 2), offerSha)).equals(offer)).toBe(true);
  });

  it("keeps no copy of an unflagged post's image, and retention deletes what nobody keeps", async () => {
    await waitFor(async () => tme.requests.some((r) => r.url === '/file/flyer-30.png'), 'the flyer to be fetched');
    const pending = async () =>
      (await runtime.queues.byName.media.getJobs(['waiting', 'active', 'prioritized', 'delayed'])).filter(
        (j) => !j.repeatJobKey,
      ).length;
    await waitFor(async () => (await pending()) === 0, 'the media queue to drain');
    const store = directoryStore(storeDir);
    expect(await store.has(sha256Hex(flyer))).toBe(false);
    expect([...(await keptImages(testDb.db, [sha256Hex(flyer)]))]).toEqual([]);
    expect(await listPosts(testDb.db, { externalId: '30' })).toEqual([]);

    // A leftover (a crash between store and commit) is deleted by the retention job; kept images stay.
    const stray = await store.put(Buffer.from('stray bytes'));
    await new Promise((r) => setTimeout(r, 1100));
    await runtime.queues.enqueue('media.prune', {});
    await waitFor(async () => !(await store.has(stray.sha256)), 'the retention job to delete the unkept file');
    expect(await store.has(sha256Hex(offer))).toBe(true);
    expect(await store.has(sha256Hex(repost))).toBe(true);
  });

  it('serves the image to the desk as its magic bytes say, with nosniff, beside its OCR text', async () => {
    const [first] = await items();
    const detail = await runtime.app!.inject({ method: 'GET', url: `/api/items/${first!.id}`, headers: auth });
    const images = detail.json<{ images: { url: string; sha256: string; ocrText: string; qr: string }[] }>().images;
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({
      sha256: sha256Hex(offer),
      qr: 'https://t.me/somechannel',
      ocrText: expect.stringContaining('mosque'),
    });
    const image = await runtime.app!.inject({ method: 'GET', url: images[0]!.url, headers: auth });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['x-content-type-options']).toBe('nosniff');
    expect(image.headers['content-security-policy']).toContain('sandbox');
    expect(image.rawPayload.equals(offer)).toBe(true);
    // Another item's image is not reachable through this item, and a cross-site <img> is refused.
    expect(
      (
        await runtime.app!.inject({
          method: 'GET',
          url: `/api/items/${first!.id}/media/${sha256Hex(repost)}`,
          headers: auth,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('puts the image byte-exact in the evidence bundle, hashed in the manifest, embedded in the report, checked by verify', async () => {
    const [first] = await items();
    const path = join(dir, 'bundle.zip');
    const out = createWriteStream(path);
    const key = loadOrCreateSigningKey(join(dir, 'evidence.pem'));
    await writeBundle(
      testDb.db,
      {
        itemIds: [first!.id],
        createdBy: 'user:analyst@example.org',
        createdById: null,
        recipient: 'Met Police, OSINT unit',
        purpose: 'Poster offer, E10',
      },
      key,
      out,
      undefined,
      directoryStore(storeDir),
    );
    const entries = await unzip(path);
    const sha = sha256Hex(offer);
    const imagePath = `items/${first!.id}/media/${sha}.png`;
    expect(entries.get(imagePath)?.equals(offer)).toBe(true);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
      files: { path: string; size: number; sha256: string }[];
    };
    expect(manifest.files.find((f) => f.path === imagePath)).toEqual({
      path: imagePath,
      size: offer.length,
      sha256: sha,
    });
    const item = JSON.parse(entries.get(`items/${first!.id}/item.json`)!.toString('utf8')) as {
      images: { path: string; sha256: string; ocrText: string }[];
    };
    expect(item.images).toEqual([
      expect.objectContaining({ path: `media/${sha}.png`, sha256: sha, ocrText: expect.stringContaining('mosque') }),
    ]);
    const report = entries.get('report.html')!.toString('utf8');
    expect(report).toContain(`data:image/png;base64,${offer.toString('base64')}`);
    expect(report).toContain('img-src data:');
    expect(report).not.toMatch(/<script/i);
    expect(report).toMatch(/<mark title="[^"]*">mosque<\/mark>/);

    const verified = await verifyBundle(path, { fingerprint: key.fingerprint });
    expect(verified).toMatchObject({ ok: true, verdict: 'verified' });

    // One byte of the image changed: verify names the file.
    const tampered = Buffer.from(offer);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 20) ^ 0xff, tampered.length - 20);
    const forged = join(dir, 'forged.zip');
    writeFileSync(
      forged,
      craftZip([...entries].map(([name, data]) => deflated(name, name === imagePath ? tampered : data))),
    );
    const refused = await verifyBundle(forged, { fingerprint: key.fingerprint });
    expect(refused.ok).toBe(false);
    expect(refused.problems).toEqual(expect.arrayContaining([expect.stringContaining(`altered: ${imagePath}`)]));
  });
});
