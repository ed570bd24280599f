import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { readStats } from '../../shared/metrics.js';
import { listAlerts } from '../../shared/repositories/alert.repository.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { listIncidents } from '../../shared/repositories/incident.repository.js';
import { listItems } from '../../shared/repositories/review-queue.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';
import { closeRuntimeTest, testConfig } from '../support/runtime-test.js';

const line = (id: string, date: string, text: string) => JSON.stringify({ id, text, channel: 'patriot_jobs', date });

/** Offers as a Telegram channel posts them: the London one names its districts, the Birmingham one its roads. */
const OFFERS = [
  line(
    'o-1',
    '2025-01-03T21:10:00Z',
    '£100 to anyone who paints the mosques or the primary school in E10, E15, SE25, SE27 or CR7. Proof by photo to @paint_pay_admin, paid same night.',
  ),
  line(
    'o-2',
    '2019-03-18T22:00:00Z',
    'Cash for whoever does the windows of the mosques on Birchfield Road, Witton Road and Slade Road. Video to @brum_jobs, £200 each.',
  ),
];

interface NewsItem {
  guid: string;
  date: string;
  title: string;
  body: string;
}

/** The coverage, in our own words, as news sites and police statements put it; and news about other things. */
const NEWS: NewsItem[] = [
  {
    guid: 'n-1',
    date: 'Tue, 07 Jan 2025 09:00:00 GMT',
    title: 'Graffiti at two south London mosques',
    body: 'Police are investigating after slogans were sprayed on West Norwood Mosque in SE27 overnight on Monday 6 January. On the same night graffiti was daubed on the door of South Norwood Islamic Community Centre, SE25.',
  },
  {
    guid: 'n-2',
    date: 'Fri, 17 Jan 2025 08:30:00 GMT',
    title: 'Thornton Heath Islamic Centre targeted',
    body: 'Graffiti was found on the front wall of Thornton Heath Islamic Centre in CR7 on Thursday 16 January, the Met said. Officers are treating it as a hate crime.',
  },
  {
    guid: 'n-3',
    date: 'Fri, 24 Jan 2025 10:00:00 GMT',
    title: 'Two Leyton mosques defaced',
    body: 'Leyton Jamia Masjid and the Albirr Foundation mosque in Leyton, E10, were sprayed with graffiti overnight on Thursday 23 January. Worshippers found the words before dawn prayers.',
  },
  {
    guid: 'n-4',
    date: 'Fri, 24 Jan 2025 16:00:00 GMT',
    title: 'Stratford mosque hit',
    body: 'A mosque in Stratford, E15, was defaced with graffiti on Thursday 23 January, police said, the latest in a series of attacks on Muslim sites in London.',
  },
  {
    guid: 'n-5',
    date: 'Mon, 27 Jan 2025 09:00:00 GMT',
    title: 'Primary school wall sprayed',
    body: 'Slogans were painted on the wall of Noor Ul Islam Primary School in Leyton, E10, on Saturday 25 January. The head teacher said pupils had been kept away until it was cleaned.',
  },
  {
    guid: 'n-6',
    date: 'Tue, 28 Jan 2025 09:00:00 GMT',
    title: 'Offer behind the attacks',
    body: 'A Telegram group offered £100 to anyone who sprayed graffiti on mosques in London and sent a photograph, according to police.',
  },
  {
    guid: 'n-7',
    date: 'Wed, 15 Jan 2025 09:00:00 GMT',
    title: 'Burglary at a Leyton shop',
    body: 'A phone shop on Leyton High Road was burgled overnight and stock worth £4,000 taken. Police have asked for witnesses.',
  },
  {
    guid: 'n-8',
    date: 'Thu, 16 Jan 2025 09:00:00 GMT',
    title: 'Church roof appeal',
    body: "St Mary's church in Walthamstow has raised £20,000 towards its new roof after a winter of leaks.",
  },
  {
    guid: 'n-9',
    date: 'Mon, 20 Jan 2025 09:00:00 GMT',
    title: 'Graffiti at a Manchester synagogue',
    body: 'Swastikas were painted on a synagogue in Prestwich, M25, overnight on Sunday 19 January, Greater Manchester Police said.',
  },
  {
    guid: 'n-10',
    date: 'Thu, 21 Mar 2019 11:00:00 GMT',
    title: 'Windows smashed at Birmingham mosques',
    body: 'Windows were smashed at a mosque on Birchfield Road in the early hours of Thursday. Shortly afterwards windows were broken at a mosque on Witton Road, Aston, and later at a mosque on Slade Road, Erdington.',
  },
  {
    guid: 'n-12',
    date: 'Tue, 04 Feb 2025 09:00:00 GMT',
    title: 'Gurdwara windows broken',
    body: 'Windows were smashed at a gurdwara in Handsworth, B21, overnight on Monday 3 February, West Midlands Police said.',
  },
  {
    guid: 'n-11',
    date: 'Fri, 22 Mar 2019 09:00:00 GMT',
    title: 'Sledgehammer arrest',
    body: 'A man has been charged in connection with the damage to mosques in Birmingham and will appear in court next week.',
  },
];

const feed = (items: NewsItem[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Local news</title><link>https://news.example</link>${items
    .map(
      (i) =>
        `<item><title><![CDATA[${i.title}]]></title><link>https://news.example/${i.guid}</link><guid isPermaLink="false">${i.guid}</guid><pubDate>${i.date}</pubDate><description><![CDATA[${i.body}]]></description></item>`,
    )
    .join('')}</channel></rss>`;

describe('incidents: offers on a channel, acts in the news, linked', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let host: FakeServer;
  let auth: Record<string, string>;
  let analystId: number;
  let dutyAuth: Record<string, string>;
  const prefix = testPrefix();
  let offers: string;
  const items = () => listItems(testDb.db, { limit: 1_000, offset: 0 });

  beforeAll(async () => {
    testDb = await createTestDb();
    // The news only once the offers' campaigns exist: a report links only to campaigns there when it is read.
    let newsOut = false;
    host = await startFakeServer((_req, res) =>
      send(res, 200, feed(newsOut ? NEWS : []), { 'content-type': 'application/rss+xml' }),
    );
    const dir = tempDir();
    offers = join(dir, 'offers.jsonl');
    writeFileSync(offers, `${OFFERS.join('\n')}\n`);
    utimesSync(offers, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'ingest: { allowPrivateNetworks: loopback, perHostInterval: 10ms }',
        'sources:',
        `  - { kind: file, name: channel, path: "${offers}", pollInterval: 200ms }`,
        `  - { kind: rss, name: news, url: "${host.url}/feed.xml", pollInterval: 1s }`,
        'alerts:',
        '  webhook: { url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123" }',
        '  rules:',
        '    - { minSeverity: high, channels: [webhook] }',
      ].join('\n'),
    );
    const config = testConfig(testDb.url, prefix, dir);
    runtime = await startRuntime(config, testLog, ['api', 'ingest', 'classify', 'alert'], { listen: false });
    await waitFor(
      async () => (await items()).filter((i) => i.campaignId !== null).length >= OFFERS.length,
      'the offers in their campaigns',
      30_000,
    );
    newsOut = true;
    const analyst = await createUser(testDb.db, 'analyst@example.org', 'analyst', null);
    auth = { authorization: `Bearer ${await createApiToken(testDb.db, analyst.id, 'test')}` };
    analystId = analyst.id;
    const duty = await createUser(testDb.db, 'duty@example.org', 'duty_officer', null);
    dutyAuth = { authorization: `Bearer ${await createApiToken(testDb.db, duty.id, 'test')}` };
  });

  afterAll(() => closeRuntimeTest(runtime, [host], testDb, prefix));

  const allIncidents = () => listIncidents(testDb.db, { limit: 10_000, offset: 0 });
  /** One row per incident and campaign it is linked to; one with no campaign for an incident linked to none. */
  const incidents = async () =>
    (await allIncidents()).flatMap((i) =>
      (i.links.length ? i.links.map((l) => l.campaignId) : [null]).map((campaignId) => ({
        ...i,
        campaign_id: campaignId,
      })),
    );
  const linksOf = async (incidentId: number) => (await allIncidents()).find((i) => i.id === incidentId)?.links;
  const alerts = async () => listAlerts(testDb.db, { limit: 10_000 });
  const alertsFor = async (incidentId: number) => (await alerts()).filter((a) => a.incident_id === incidentId);

  it('links the reported sites to the offer that named them, with their dates, and nothing else', async () => {
    await waitFor(
      async () => (await readStats(runtime.redis, prefix)).posts_classified >= OFFERS.length + NEWS.length,
      'every post classified',
      30_000,
    );
    await waitFor(async () => (await incidents()).length >= 10, 'incidents recorded', 30_000);
    await waitFor(
      async () => (await incidents()).filter((r) => r.campaign_id !== null).length >= 9,
      'incidents linked',
      30_000,
    );
    const campaigns = (await items()).flatMap((i) =>
      i.campaignId === null ? [] : [{ id: i.campaignId, external_id: i.post.externalId }],
    );
    const london = campaigns.find((c) => c.external_id === 'o-1')!.id;
    const brum = campaigns.find((c) => c.external_id === 'o-2')!.id;
    // No news item is an offer: the only review items are the two offers.
    expect(campaigns.map((c) => c.external_id).sort()).toEqual(['o-1', 'o-2']);

    const rows = await incidents();
    const londonSites = rows
      .filter((r) => r.campaign_id === london)
      .map((r) => `${r.place_name ?? r.road ?? r.postcode_district} ${r.occurred_on}`);
    expect(londonSites.length).toBeGreaterThanOrEqual(7);
    for (const site of [
      'West Norwood Mosque 2025-01-06',
      'South Norwood Islamic Community Centre 2025-01-06',
      'Thornton Heath Islamic Centre 2025-01-16',
      'Leyton Jamia Masjid 2025-01-23',
      'Albirr Foundation mosque 2025-01-23',
      'Noor Ul Islam Primary School 2025-01-25',
      'Stratford mosque 2025-01-23',
    ]) {
      expect(londonSites).toContain(site);
    }
    expect(
      rows
        .filter((r) => r.campaign_id === brum)
        .map((r) => r.road)
        .sort(),
    ).toEqual(['Birchfield Road', 'Slade Road', 'Witton Road']);
    // Unrelated news is never linked: the burglary, the roof appeal and the Manchester synagogue.
    const linkedUrls = new Set(rows.filter((r) => r.campaign_id !== null).map((r) => r.url));
    for (const guid of ['n-6', 'n-7', 'n-8', 'n-9', 'n-11'])
      expect(linkedUrls.has(`https://news.example/${guid}`), guid).toBe(false);
  });

  it('raises exactly one alert per linked incident, pointing at the offer, and none for the report alone', async () => {
    const linked = await listIncidents(testDb.db, { linked: true, limit: 10_000, offset: 0 });
    const incidentAlerts = (await alerts()).filter((a) => a.incident_id !== null);
    expect(incidentAlerts.map((a) => a.incident_id).sort()).toEqual(linked.map((l) => l.id).sort());
    expect(new Set(incidentAlerts.map((a) => a.idempotency_key)).size).toBe(incidentAlerts.length);
    // The Manchester synagogue is kept as a report but links to nothing and pages nobody.
    const manchester = (await incidents()).find((r) => r.postcode_district === 'M25');
    expect(manchester?.campaign_id).toBeNull();
    expect(incidentAlerts.some((a) => a.incident_id === manchester?.id)).toBe(false);
  });

  it('lists incidents by area and a campaign with its incidents over the API', async () => {
    const e10 = await runtime.app!.inject({ method: 'GET', url: '/api/incidents?area=E10&linked=true', headers: auth });
    expect(e10.statusCode).toBe(200);
    const body = e10.json<{
      incidents: {
        place: string;
        postcodeDistrict: string;
        occurredOn: string;
        excerpt: string;
        links: { campaignId: number; reasons: string[] }[];
      }[];
    }>();
    expect(body.incidents.map((i) => i.place).sort()).toEqual([
      'Albirr Foundation mosque',
      'Leyton Jamia Masjid',
      'Noor Ul Islam Primary School',
    ]);
    expect(body.incidents[0]!.links[0]!.reasons.join('; ')).toMatch(/same postcode district E10/);
    const campaignId = body.incidents[0]!.links[0]!.campaignId;
    const campaign = await runtime.app!.inject({ method: 'GET', url: `/api/campaigns/${campaignId}`, headers: auth });
    expect(campaign.json<{ incidents: unknown[] }>().incidents.length).toBeGreaterThanOrEqual(6);
    expect(
      (await runtime.app!.inject({ method: 'GET', url: '/api/incidents?area=E10%3B', headers: auth })).statusCode,
    ).toBe(400);
    expect((await runtime.app!.inject({ method: 'GET', url: '/api/incidents' })).statusCode).toBe(401);
  });

  it('lets an analyst link and unlink an incident by hand, audited, with one alert per incident however often it is linked', async () => {
    const campaignOf = async (externalId: string) =>
      (await items()).find((i) => i.post.externalId === externalId)!.campaignId!;
    const london = await campaignOf('o-1');
    const brum = await campaignOf('o-2');
    const manchester = (await incidents()).find((r) => r.postcode_district === 'M25')!;
    const alertsOf = async (incidentId: number) => (await alertsFor(incidentId)).length;
    const audit = async (incidentId: number) =>
      listAudit(testDb.db, { entity: 'incident', entityIds: [String(incidentId)] });
    const link = (incidentId: number, body: object, headers = auth) =>
      runtime.app!.inject({ method: 'POST', url: `/api/incidents/${incidentId}/links`, headers, payload: body });
    const unlink = (incidentId: number, campaignId: number, body: object, headers = auth) =>
      runtime.app!.inject({
        method: 'DELETE',
        url: `/api/incidents/${incidentId}/links/${campaignId}`,
        headers,
        payload: body,
      });

    // Who may: deciders only; and every change needs a reason, a real incident and a real campaign.
    expect((await link(manchester.id, { campaignId: london, reason: 'same crew' }, dutyAuth)).statusCode).toBe(403);
    expect((await link(manchester.id, { campaignId: london })).statusCode).toBe(400);
    expect((await link(manchester.id, { campaignId: london, reason: '   ' })).statusCode).toBe(400);
    expect((await link(999_999, { campaignId: london, reason: 'same crew' })).statusCode).toBe(404);
    expect((await link(manchester.id, { campaignId: 999_999, reason: 'same crew' })).statusCode).toBe(404);
    expect(await audit(manchester.id)).toEqual([]);

    // The linker saw no place in common; the analyst knows better. A live campaign: its alert, once.
    const linked = await link(manchester.id, {
      campaignId: london,
      reason: 'the offer was reposted in a Manchester group',
    });
    expect(linked.statusCode).toBe(201);
    expect(linked.json()).toMatchObject({
      incidentId: manchester.id,
      campaignId: london,
      score: 0,
      reasons: ['linked by hand: the offer was reposted in a Manchester group'],
      linkedBy: `user:${analystId}`,
      alerts: 1,
    });
    expect((await linksOf(manchester.id))?.map((l) => ({ linked_by: l.linkedBy }))).toEqual([
      { linked_by: `user:${analystId}` },
    ]);
    expect(await alertsOf(manchester.id)).toBe(1);
    expect((await link(manchester.id, { campaignId: london, reason: 'again' })).statusCode).toBe(409);
    const shown = (await runtime.app!.inject({ method: 'GET', url: `/api/campaigns/${london}`, headers: auth })).json<{
      incidents: { id: number; links: { linkedBy: string }[] }[];
    }>();
    expect(shown.incidents.find((i) => i.id === manchester.id)?.links).toEqual([
      expect.objectContaining({ linkedBy: `user:${analystId}` }),
    ]);

    // Taken away: the link goes, the incident, its report and the alert already sent stay.
    expect((await unlink(manchester.id, london, {})).statusCode).toBe(400);
    expect((await unlink(manchester.id, london, { reason: 'no' }, dutyAuth)).statusCode).toBe(403);
    expect(
      (await unlink(manchester.id, london, { reason: 'the Manchester group was a different offer' })).statusCode,
    ).toBe(204);
    expect((await unlink(manchester.id, london, { reason: 'twice' })).statusCode).toBe(404);
    expect((await linksOf(manchester.id))?.map((l) => ({ campaign_id: l.campaignId }))).toEqual([]);
    // listIncidents lists an incident with its report only.
    expect((await allIncidents()).filter((i) => i.id === manchester.id)).toHaveLength(1);
    // Linked again, to another live campaign: still the one alert.
    const again = await link(manchester.id, { campaignId: brum, reason: 'second thoughts' });
    expect(again.json()).toMatchObject({ alerts: 0 });
    expect(await alertsOf(manchester.id)).toBe(1);
    expect((await audit(manchester.id)).map((a) => [a.action, a.actor, a.details.reason])).toEqual([
      ['incident.link', 'user:analyst@example.org', 'the offer was reposted in a Manchester group'],
      ['incident.unlink', 'user:analyst@example.org', 'the Manchester group was a different offer'],
      ['incident.link', 'user:analyst@example.org', 'second thoughts'],
    ]);
    expect((await audit(manchester.id))[1]!.details).toMatchObject({
      campaignId: london,
      was: { linkedBy: `user:${analystId}`, score: 0 },
    });

    // An incident the linker linked already: a hand link to another campaign adds the machine's reasons where they hold, and no second alert.
    const leyton = (await incidents()).find((r) => r.place_name === 'Leyton Jamia Masjid')!;
    const before = await alertsOf(leyton.id);
    expect(before).toBeGreaterThan(0);
    const extra = await link(leyton.id, { campaignId: brum, reason: 'same admin handle' });
    expect(extra.json()).toMatchObject({ alerts: 0, reasons: ['linked by hand: same admin handle'] });
    expect(await alertsOf(leyton.id)).toBe(before);
    const relinked = await (async () => {
      expect((await unlink(leyton.id, london, { reason: 'checking the machine reasons' })).statusCode).toBe(204);
      return link(leyton.id, { campaignId: london, reason: 'it was right' });
    })();
    expect(relinked.json<{ reasons: string[]; score: number }>().reasons).toEqual([
      'linked by hand: it was right',
      expect.stringMatching(/same postcode district E10/),
      expect.any(String),
      expect.any(String),
    ]);
    expect(relinked.json<{ score: number }>().score).toBeGreaterThanOrEqual(4);
  });

  it('links an act reported before its offer was read, once the offer campaign appears, with one alert', async () => {
    const gurdwara = async () => (await incidents()).find((r) => r.postcode_district === 'B21');
    await waitFor(async () => Boolean(await gurdwara()), 'the Handsworth report kept', 30_000);
    expect((await gurdwara())!.campaign_id).toBeNull();
    // The channel posted this offer a week before the act; Vigil reads it only now.
    appendFileSync(
      offers,
      `${line('o-3', '2025-01-27T20:00:00Z', '£150 for whoever does the windows of the gurdwara in B21. Video to @brum_jobs2, paid in USDT.')}\n`,
    );
    await waitFor(
      async () => (await gurdwara())!.campaign_id !== null,
      'the report linked to the new campaign',
      30_000,
    );
    const row = (await gurdwara())!;
    const rowAlerts = await alertsFor(row.id);
    expect(rowAlerts).toHaveLength(1);
    const offerItem = (await items()).find((i) => i.post.externalId === 'o-3')!;
    expect(rowAlerts[0]!.review_item_id).toBe(offerItem.id);
  });
});
