import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractedIncident } from '../../shared/domain/incident.js';
import { capturePost, type CapturedPost } from '../../shared/domain/post.js';
import { writeBundle } from '../../shared/evidence/bundle.js';
import { loadOrCreateSigningKey, type SigningKey } from '../../shared/evidence/signing-key.js';
import { verifyBundle } from '../../shared/evidence/verify.js';
import { packageRoot } from '../../shared/paths.js';
import { appendAudit } from '../../shared/repositories/audit.repository.js';
import { assignCampaigns } from '../../shared/repositories/campaign.repository.js';
import { incidentReportRaw } from '../../shared/repositories/evidence.repository.js';
import { insertLinks, listIncidents, recordIncidents } from '../../shared/repositories/incident.repository.js';
import { insertFlagged, setItemsCampaign } from '../../shared/repositories/review-item.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { tempDir } from '../support/tmp.js';
import { builtVerdict } from '../support/verdicts.js';

const OFFER = '£100 to anyone who paints the mosques in SE25 or SE27. Proof by photo to @paint_pay_admin';
const CLAIM = 'Done the one in SE27 last night, pay up @paint_pay_admin';
const NEWS =
  'Slogans were sprayed on West Norwood Mosque in SE27 overnight on Monday 6 January <script>alert(1)</script>. Graffiti was also daubed on South Norwood Islamic Community Centre, SE25.';
const OTHER = 'Swastikas were painted on a synagogue in Prestwich, M25, on Sunday 19 January.';

const telegram = (externalId: string, text: string, publishedAt: string) =>
  capturePost(
    {
      source: 'tme',
      platform: 'telegram',
      channel: 'paint_jobs',
      externalId,
      text,
      url: `https://t.me/paint_jobs/${externalId}`,
      publishedAt,
    },
    Buffer.from(text),
    'text/plain',
    { url: 'https://t.me/s/paint_jobs', fetchedAt: publishedAt, fetcher: 'test' },
  );
const news = (guid: string, text: string, publishedAt: string): CapturedPost =>
  capturePost(
    {
      source: 'news',
      platform: 'rss',
      channel: 'news.example',
      externalId: guid,
      text,
      url: `https://news.example/${guid}`,
      publishedAt,
    },
    Buffer.from(`<item><guid>${guid}</guid><description><![CDATA[${text}]]></description></item>`),
    'application/rss+xml',
    {
      url: 'https://news.example/feed.xml',
      fetchedAt: publishedAt,
      fetcher: 'test',
    },
  );
const incident = (
  text: string,
  place: string,
  district: string,
  placeType: ExtractedIncident['placeType'],
  day: string,
): ExtractedIncident => {
  const start = text.indexOf(place);
  return {
    act: 'graffiti',
    placeType,
    placeName: place,
    postcodeDistrict: district,
    road: null,
    town: null,
    occurredOn: day,
    dated: true,
    start: text.lastIndexOf('.', start) + 1,
    end: text.indexOf('.', start + place.length) + 1,
  };
};

describe('evidence bundle of a campaign: its linked incident reports and its course from offer to act', () => {
  let testDb: TestDb;
  let key: SigningKey;
  let dir: string;
  let bundle: string;
  let root: string;
  let campaignId: number;
  let report: { id: number; raw: Buffer; raw_sha256: string };
  const linked: Record<string, number> = {};
  const items: Record<'offer' | 'claim', number> = { offer: 0, claim: 0 };

  beforeAll(async () => {
    testDb = await createTestDb();
    dir = tempDir();
    let reportId = 0;
    key = loadOrCreateSigningKey(join(dir, 'keys', 'evidence.pem'), 'a passphrase for the test key');
    const offer = {
      post: telegram('1', OFFER, '2025-01-03T21:10:00Z'),
      verdict: builtVerdict(['bounty_offer', 'target_info'], 'high', {
        postcodeDistricts: ['SE25', 'SE27'],
        contacts: ['@paint_pay_admin'],
        targets: [{ text: 'mosques' }],
      }),
    };
    const claim = {
      post: telegram('2', CLAIM, '2025-01-07T06:30:00Z'),
      verdict: builtVerdict(['claim'], 'high', { postcodeDistricts: ['SE27'], contacts: ['@paint_pay_admin'] }),
    };
    const created = await insertFlagged(testDb.db, [offer, claim]);
    for (const c of created) items[c.postKey === offer.post.key ? 'offer' : 'claim'] = c.reviewItemId;
    await testDb.db.transaction().execute(async (trx) => {
      const outcome = await assignCampaigns(trx, [{ reviewItemId: items.offer, input: offer }]);
      campaignId = outcome.get(items.offer)!.campaignId;
      // The claim joins the offer's campaign, whatever the matcher makes of two short posts.
      await setItemsCampaign(trx, [items.claim], campaignId);
      const recorded = await recordIncidents(trx, [
        {
          post: news('n-1', NEWS, '2025-01-07T09:00:00Z'),
          incidents: [
            incident(NEWS, 'West Norwood Mosque', 'SE27', 'mosque', '2025-01-06'),
            incident(NEWS, 'South Norwood Islamic Community Centre', 'SE25', 'islamic_centre', '2025-01-06'),
          ],
        },
        {
          post: news('n-2', OTHER, '2025-01-20T09:00:00Z'),
          incidents: [incident(OTHER, 'synagogue', 'M25', 'synagogue', '2025-01-19')],
        },
      ]);
      for (const r of recorded) linked[r.incident.placeName!] = r.id;
      reportId = recorded[0]!.reportId;
      await insertLinks(trx, linked['West Norwood Mosque']!, [
        {
          campaignId,
          score: 6,
          reasons: [
            'same postcode district SE27',
            'the offer targets mosques, the report is of mosque',
            '3 days after the first offer',
          ],
        },
      ]);
      await insertLinks(
        trx,
        linked['South Norwood Islamic Community Centre']!,
        [{ campaignId, score: 0, reasons: ['linked by hand: named in the claim'] }],
        'user:7',
      );
      await appendAudit(trx, {
        actor: 'user:analyst@example.org',
        actorId: null,
        action: 'incident.link',
        entity: 'incident',
        entityId: String(linked['South Norwood Islamic Community Centre']),
        details: { campaignId, reason: 'named in the claim' },
      });
    });
    // The report as kept: its bytes, and the hash stored with it (listed with each of its incidents).
    const { raw_sha256 } = (await listIncidents(testDb.db, { limit: 100, offset: 0 })).find(
      (i) => i.id === linked['West Norwood Mosque'],
    )!;
    report = { id: reportId, raw: (await incidentReportRaw(testDb.db, [reportId])).get(reportId)!, raw_sha256 };
    bundle = join(dir, 'campaign.zip');
    await writeBundle(
      testDb.db,
      {
        campaignId,
        createdBy: 'user:analyst@example.org',
        createdById: null,
        recipient: 'Met Police, OSINT unit',
        purpose: 'Mosque graffiti, Jan 2025',
      },
      key,
      createWriteStream(bundle),
    );
    root = join(tempDir(), 'unzipped');
    execFileSync('unzip', ['-q', bundle, '-d', root]);
  });
  afterAll(() => testDb?.drop());

  it('holds each linked report byte-exact with its SHA-256, listed in the signed manifest, and nothing unlinked', async () => {
    expect(await verifyBundle(bundle, { fingerprint: key.fingerprint })).toMatchObject({
      ok: true,
      verdict: 'verified',
      problems: [],
    });
    const names = execFileSync('unzip', ['-Z1', bundle], { encoding: 'utf8' }).trim().split('\n');
    expect(names.filter((n) => n.startsWith('incidents/')).sort()).toEqual([
      `incidents/${report.id}/incident-report.json`,
      `incidents/${report.id}/raw.xml.txt`,
    ]);
    const raw = readFileSync(join(root, `incidents/${report.id}/raw.xml.txt`));
    expect(raw.equals(report.raw)).toBe(true);
    expect(createHash('sha256').update(raw).digest('hex')).toBe(report.raw_sha256);
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as {
      files: { path: string; sha256: string }[];
      incidents: { incidentId: number; linkedBy: string }[];
    };
    expect(manifest.files.find((f) => f.path === `incidents/${report.id}/raw.xml.txt`)?.sha256).toBe(report.raw_sha256);
    expect(manifest.files.map((f) => f.path)).toContain(`incidents/${report.id}/incident-report.json`);
    expect(manifest.incidents.map((i) => [i.incidentId, i.linkedBy])).toEqual([
      [linked['West Norwood Mosque'], 'auto'],
      [linked['South Norwood Islamic Community Centre'], 'user:7'],
    ]);
    const record = JSON.parse(readFileSync(join(root, `incidents/${report.id}/incident-report.json`), 'utf8')) as {
      raw: object;
      capture: object;
      text: string;
      incidents: {
        place: string;
        occurredOn: string;
        excerpt: { text: string };
        link: { reasons: string[]; linkedBy: string };
      }[];
    };
    expect(record.raw).toEqual({
      path: 'raw.xml.txt',
      originalName: 'raw.xml',
      contentType: 'application/rss+xml',
      sha256: report.raw_sha256,
    });
    expect(record.capture).toMatchObject({ url: 'https://news.example/n-1', publishedAt: '2025-01-07T09:00:00.000Z' });
    expect(record.text).toBe(NEWS);
    expect(record.incidents.map((i) => [i.place, i.occurredOn, i.link.linkedBy])).toEqual([
      ['West Norwood Mosque', '2025-01-06', 'auto'],
      ['South Norwood Islamic Community Centre', '2025-01-06', 'user:7'],
    ]);
    expect(record.incidents[0]!.excerpt.text).toContain('West Norwood Mosque in SE27');
    expect(record.incidents[0]!.link.reasons).toContain('same postcode district SE27');
    // Who linked by hand, in the custody record.
    const custody = JSON.parse(readFileSync(join(root, 'custody.json'), 'utf8')) as {
      entries: { action: string; entity: string }[];
    };
    expect(custody.entries.map((e) => `${e.entity}:${e.action}`)).toEqual([
      'incident:incident.link',
      'evidence_bundle:evidence.export',
    ]);
  });

  it('reports the course offer → claims → incidents in time order, every text escaped, nothing live', () => {
    const html = readFileSync(join(root, 'report.html'), 'utf8');
    expect(html).toContain('1 offer → 1 claim → 2 incidents');
    const course = html.slice(
      html.indexOf('<h2>From offer to act</h2>'),
      html.indexOf('</table>', html.indexOf('<h2>From offer to act</h2>')),
    );
    const entries = [...course.matchAll(/href="#(item|incident)-(\d+)"/g)].map((m) => `${m[1]} ${m[2]}`);
    // The offer on the 3rd, the two acts on the night of the 6th, the claim on the morning of the 7th.
    expect(entries).toEqual([
      `item ${items.offer}`,
      `incident ${linked['West Norwood Mosque']}`,
      `incident ${linked['South Norwood Islamic Community Centre']}`,
      `item ${items.claim}`,
    ]);
    expect(html).toContain(`id="incident-${linked['West Norwood Mosque']}"`);
    expect(html).toContain('Linked by user:7');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|src=|href="http/i);
    expect(html).not.toContain('Prestwich');
  });

  it('VERIFY.md says what the incident files are and names only files the bundle has', () => {
    const names = execFileSync('unzip', ['-Z1', bundle], { encoding: 'utf8' }).trim().split('\n');
    const instructions = readFileSync(join(root, 'VERIFY.md'), 'utf8');
    const named = [...instructions.matchAll(/`([\w*./-]+\.(?:json|md|html|pem|sig|txt|bin|\*)|SHA256SUMS)`/g)].map(
      (m) => m[1]!,
    );
    expect(named).toEqual(
      expect.arrayContaining(['incidents/*/incident-report.json', 'incidents/*/raw.*', 'incident-report.json']),
    );
    // raw.html.txt is the instructions' example of a stored name; these posts and reports are text and XML.
    for (const name of named.filter((n) => n !== 'raw.html.txt')) {
      const re = new RegExp(
        `^${name
          .split('*')
          .map((part) => part.replaceAll('.', '\\.'))
          .join('[^/]*')}$`,
      );
      expect(
        names.some((n) => re.test(name.includes('/') ? n : n.split('/').at(-1)!)),
        `VERIFY.md names ${name}`,
      ).toBe(true);
    }
  });

  it('passes `vigil verify` with the pinned key and `sha256sum -c`', () => {
    const bin = join(packageRoot(), 'bin', 'vigil.js');
    expect(existsSync(join(packageRoot(), 'dist', 'cli', 'vigil.js')), 'npm run build first').toBe(true);
    const verified = spawnSync(process.execPath, [bin, 'verify', bundle, '--fingerprint', key.fingerprint], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(verified.stdout).toMatch(/^VERIFIED: bundle [0-9a-f-]{36}: signature good by the pinned key/);
    expect(verified.status).toBe(0);
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: root, encoding: 'utf8' });
    expect(sums.status).toBe(0);
    expect(sums.stdout).toContain(`incidents/${report.id}/raw.xml.txt: OK`);
  });
});
