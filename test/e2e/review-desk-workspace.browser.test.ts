import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../cli/runtime.js';
import { deskItemUrl } from '../../shared/desk-url.js';
import type { ExtractedIncident } from '../../shared/domain/incident.js';
import { capturePost } from '../../shared/domain/post.js';
import type { Label, Severity } from '../../shared/domain/verdict.js';
import { hashPassword } from '../../shared/password.js';
import { findAlerts, insertOutbox } from '../../shared/repositories/alert.repository.js';
import { entityHistory, listAudit } from '../../shared/repositories/audit.repository.js';
import { assignCampaigns } from '../../shared/repositories/campaign.repository.js';
import { findIncident, insertLinks, recordIncidents } from '../../shared/repositories/incident.repository.js';
import { findReviewItem, findReviewItems } from '../../shared/repositories/review-item-view.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { listSavedViews } from '../../shared/repositories/saved-view.repository.js';
import { findSourceByName } from '../../shared/repositories/source.repository.js';
import { listUsers } from '../../shared/repositories/user-admin.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { openDesk, expectAccessible, PASSWORD, PHONE, screenshot, signIn } from '../support/desk-browser.js';
import { testPrefix } from '../support/redis.js';
import { closeRuntimeTest } from '../support/runtime-test.js';
import { tempDir } from '../support/tmp.js';
import { builtVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';

const BOUNTY = '£500 to whoever smashes the windows of the mosque on Romford Road E7, proof to @romford_pay';
const HOSTEL = 'Cash for anyone who burns the hostel on Kings Road SW3 tonight, £300, DM @kings_cash';
/** Reports of acts near the hostel campaign's target, as a news feed carries them: attacker-influenced text and addresses. */
const FIRE =
  'Firefighters were called to a hotel on Kings Road, SW3, where a fire was set at the back door overnight <img src=x onerror=alert(1)>.';
const WINDOWS = 'Windows were smashed at a hostel in Chelsea on Sunday, residents said.';
const report = (guid: string, text: string, url: string) =>
  capturePost(
    {
      source: 'news',
      platform: 'rss',
      channel: 'news.example',
      externalId: guid,
      text,
      url,
      publishedAt: '2026-11-30T09:00:00Z',
    },
    Buffer.from(`<item><description>${text}</description></item>`),
    'application/rss+xml',
    { url: 'https://news.example/feed.xml', fetchedAt: '2026-11-30T09:05:00Z', fetcher: 'test' },
  );
const act = (
  text: string,
  fields: Pick<
    ExtractedIncident,
    'act' | 'placeType' | 'placeName' | 'postcodeDistrict' | 'road' | 'town' | 'occurredOn' | 'dated'
  >,
): ExtractedIncident => ({ ...fields, start: 0, end: text.length });

const FILLERS = [
  'Everyone to the school gates on Mill Lane N16 at 8, bring paint',
  'Meet at the community centre in Leyton E10 tomorrow, masks on',
  'Go and wreck the shop at the corner of Green Street E13',
  'Someone needs to torch the van outside the gurdwara in Southall UB1',
  'Block the hostel entrance on Station Road CR0 at dawn',
  'Smash the signs at the synagogue in Golders Green NW11',
  'Paint over the mural at the temple on Fore Street N9',
  'Rip down the posters at the library in Acton W3',
];

describe('review desk as a workspace (Debian Chromium): item URLs, actions, finding, keyboard, accessibility', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  let bearer: Record<string, string>;
  let second: number;
  let hostelCampaign: number;
  const incidentIds: Record<'fire' | 'windows', number> = { fire: 0, windows: 0 };
  const ids: Record<string, number> = {};
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    const analyst = await createUser(testDb.db, 'analyst@example.org', 'analyst', await hashPassword(PASSWORD));
    second = (await createUser(testDb.db, 'second@example.org', 'analyst', await hashPassword(PASSWORD))).id;
    await createUser(testDb.db, 'duty@example.org', 'duty_officer', await hashPassword(PASSWORD));
    await createUser(testDb.db, 'admin@example.org', 'admin', await hashPassword(PASSWORD));
    bearer = { authorization: `Bearer ${await createApiToken(testDb.db, analyst.id, 'test')}` };
    const item = (
      key: string,
      text: string,
      channel: string,
      labels: Label[],
      severity: Severity,
      entities: Record<string, unknown> = {},
    ) => ({
      key,
      input: {
        post: makePost(key, text, channel),
        verdict: builtVerdict(labels, severity, entities, {
          rationale: [{ feature: 'money', start: 0, end: 4, text: text.slice(0, 4) }],
        }),
      },
    });
    const seeded = [
      item('bounty', BOUNTY, 'east_watch', ['bounty_offer', 'target_info'], 'high', {
        postcodeDistricts: ['E7'],
        contacts: ['@romford_pay'],
        amounts: [{ text: '£500' }],
      }),
      ...['chan_a', 'chan_b', 'chan_c'].map((c) =>
        item(`hostel-${c}`, HOSTEL, c, ['bounty_offer'], 'critical', {
          postcodeDistricts: ['SW3'],
          contacts: ['@kings_cash'],
        }),
      ),
      ...FILLERS.map((t, i) => item(`filler-${i}`, t, 'filler', ['call_to_action'], 'medium')),
      item('noted', 'Pay day for whoever does the mosque in Walthamstow E17', 'notes_chan', ['bounty_offer'], 'high', {
        postcodeDistricts: ['E17'],
      }),
    ];
    const inputs = seeded.map((s) => s.input);
    const created = await insertFlagged(testDb.db, inputs);
    for (const c of created) ids[seeded.find((s) => s.input.post.key === c.postKey)!.key] = c.reviewItemId;
    await testDb.db.transaction().execute(async (trx) => {
      const hostel = new Set(['chan_a', 'chan_b', 'chan_c'].map((c) => ids[`hostel-${c}`]));
      await assignCampaigns(
        trx,
        created
          .filter((c) => hostel.has(c.reviewItemId))
          .map((c) => ({ reviewItemId: c.reviewItemId, input: inputs.find((i) => i.post.key === c.postKey)! })),
      );
      await insertOutbox(trx, [{ reviewItemId: ids['bounty']!, channel: 'email' }]);
      hostelCampaign = (await findReviewItem(trx, ids['hostel-chan_a']!))!.campaignId!;
      const [fire, windows] = await recordIncidents(trx, [
        {
          post: report('fire', FIRE, 'https://news.example/hostel-fire'),
          incidents: [
            act(FIRE, {
              act: 'arson',
              placeType: 'asylum_hotel',
              placeName: null,
              postcodeDistrict: 'SW3',
              road: 'Kings Road',
              town: null,
              occurredOn: '2026-11-30',
              dated: true,
            }),
          ],
        },
        // A feed's link is the feed's to write: this one must never become a live link in the desk.
        {
          post: report('windows', WINDOWS, 'javascript:alert(document.cookie)'),
          incidents: [
            act(WINDOWS, {
              act: 'windows_smashed',
              placeType: 'asylum_hotel',
              placeName: null,
              postcodeDistrict: null,
              road: null,
              town: 'Chelsea',
              occurredOn: '2026-11-29',
              dated: false,
            }),
          ],
        },
      ]);
      incidentIds.fire = fire!.id;
      incidentIds.windows = windows!.id;
      await insertLinks(trx, fire!.id, [
        {
          campaignId: hostelCampaign,
          score: 6,
          reasons: ['same postcode district SW3', 'the offer names kings road', '1 day after the first offer'],
        },
      ]);
      await insertLinks(
        trx,
        windows!.id,
        [
          {
            campaignId: hostelCampaign,
            score: 0,
            reasons: ['linked by hand: Chelsea hostel named by the same handle'],
          },
        ],
        `user:${analyst.id}`,
      );
    });
    // Many sign-ins from one address within a minute: above the per-address login limit, which is not under test here.
    const dir = tempDir();
    writeFileSync(join(dir, 'vigil.config.yaml'), 'login:\n  perIp: { max: 1000 }\n  perAccount: { max: 1000 }\n');
    ({ runtime, browser } = await openDesk(testDb, prefix, dir));
    url = runtime.url!;
  }, 60_000);

  afterAll(async () => {
    await closeRuntimeTest(runtime, [browser], testDb, prefix);
  });

  const itemApi = async (id: number) =>
    (await fetch(`${runtime.url}/api/items/${id}`, { headers: bearer })).json() as Promise<{
      status: string;
      decisionReason: string | null;
      assignedTo: number | null;
      notes: { text: string }[];
    }>;
  const actions = async (id: number) =>
    (await entityHistory(testDb.db, 'review_item', String(id))).map((a) => a.action);
  const shownId = async (page: Page) => Number(await page.locator('#detail').getAttribute('data-id'));
  const waitShown = (page: Page, id: number) => page.waitForSelector(`#detail[data-id="${id}"] .detail-title`);

  it('opens an item by its own URL, the link alerts carry, after sign-in', async () => {
    const link = deskItemUrl(url, ids['bounty']!);
    expect(link).toBe(`${runtime.url}/ui/items/${ids['bounty']}`);
    const page = await signIn(browser, url, 'analyst@example.org', { path: new URL(link).pathname });
    await waitShown(page, ids['bounty']!);
    expect(new URL(page.url()).pathname).toBe(`/ui/items/${ids['bounty']}`);
    expect(await page.locator('#detail .post-text').innerText()).toBe(BOUNTY);
    // Plain words: labels, the highlight legend, times in the analyst's zone with how long ago.
    expect(await page.locator('#detail h2 .label').allInnerTexts()).toEqual(['Bounty offer', 'Target named']);
    expect(await page.locator('#detail .legend').innerText()).toContain('Amounts of money');
    expect(await page.locator('#detail .meta').innerText()).toMatch(
      // The factory's post is from a fixed day: how long ago it reads depends on today ("3 hours ago", "yesterday").
      /Posted\s+29 Nov 2026, 20:15 \((?:.+ ago|yesterday|last \w+)\)/,
    );
    expect(await page.locator('#detail .item-alerts').innerText()).toContain('email');
    // Each row is a link to its item's address.
    expect(await page.locator(`#items li[data-id="${ids['bounty']}"] a`).getAttribute('href')).toMatch(
      new RegExp(`^/ui/items/${ids['bounty']}`),
    );
    expect(page.cspViolations).toEqual([]);
    await page.close();
  });

  it('confirms, escalates, dismisses with a preset reason and undoes, by buttons, on the item shown; each in the API and the audit log', async () => {
    const id = ids['bounty']!;
    const page = await signIn(browser, url, 'analyst@example.org', { path: `/ui/items/${id}` });
    await waitShown(page, id);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect.poll(async () => (await itemApi(id)).status).toBe('confirmed');
    // The next item opens in its place, and its row is the one highlighted.
    await expect.poll(() => shownId(page)).not.toBe(id);
    expect(Number(await page.locator('#items li.selected').getAttribute('data-id'))).toBe(await shownId(page));
    expect(await page.locator('#status').innerText()).toContain(`Item ${id} confirmed.`);
    await page.getByRole('button', { name: 'Undo' }).click();
    await waitShown(page, id);
    expect((await itemApi(id)).status).toBe('new');

    await page.getByRole('button', { name: 'Escalate', exact: true }).click();
    await expect.poll(async () => (await itemApi(id)).status).toBe('escalated');
    expect(await page.locator('#status').innerText()).toContain(`Item ${id} escalated.`);
    await page.keyboard.press('u');
    await waitShown(page, id);
    expect((await itemApi(id)).status).toBe('new');

    await page.getByRole('button', { name: 'Dismiss…' }).click();
    await page.getByRole('radio', { name: 'News or reporting, not a call to act' }).check();
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await expect.poll(async () => (await itemApi(id)).status).toBe('dismissed');
    expect((await itemApi(id)).decisionReason).toBe('News or reporting, not a call to act');
    expect(await actions(id)).toEqual(['item.confirm', 'item.undo', 'item.escalate', 'item.undo', 'item.dismiss']);

    // The Dismissed tab counts it and lists it; its history says who did what.
    const tab = page.getByRole('tab', { name: /^Dismissed/ });
    await expect.poll(() => tab.innerText()).toMatch(/Dismissed\s+1/);
    await tab.click();
    await page.waitForSelector(`#items li[data-id="${id}"]`);
    await waitShown(page, id);
    expect(await page.locator('#detail .history').innerText()).toMatch(
      /analyst@example\.org dismissed · reason: News or reporting/,
    );
    expect(page.cspViolations).toEqual([]);
    await page.close();
  });

  it('finds items by a word, an @handle and a postcode district, filters, and keeps a saved view', async () => {
    const page = await signIn(browser, url, 'analyst@example.org', { path: '/ui/?status=all' });
    const rowsFor = async (q: string) => {
      await page.getByRole('searchbox', { name: 'Search' }).fill(q);
      await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
      // The list says which search it shows once it has loaded it.
      await expect.poll(() => page.locator('#items').getAttribute('data-q')).toBe(q);
      const rows = await page.locator('#items li[data-id]').all();
      return (await Promise.all(rows.map(async (r) => Number(await r.getAttribute('data-id'))))).sort((a, b) => a - b);
    };
    const hostel = ['chan_a', 'chan_b', 'chan_c'].map((c) => ids[`hostel-${c}`]!).sort((a, b) => a - b);
    expect(await rowsFor('burns')).toEqual(hostel);
    expect(await rowsFor('@romford_pay')).toEqual([ids['bounty']]);
    expect(await rowsFor('@ROMFORD_PAY')).toEqual([ids['bounty']]);
    expect(await rowsFor('E7')).toEqual([ids['bounty']]);
    expect(await rowsFor('sw3')).toEqual(hostel);
    expect(await rowsFor('E1')).toEqual([]);

    await rowsFor('mosque');
    await page.selectOption('#finder select[name=severity]', 'high');
    await expect.poll(() => new URL(page.url()).searchParams.get('severity')).toBe('high');
    await expect.poll(() => page.locator('#items li[data-id]').count()).toBe(2);
    expect(await page.getByRole('tab', { name: /^All/ }).innerText()).toMatch(/All\s+2/);

    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('High mosque posts');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForSelector('#saved-views option:has-text("High mosque posts")', { state: 'attached' });
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('#items li[data-id]').count()).toBeGreaterThan(2);
    await page.selectOption('#saved-views', { label: 'High mosque posts' });
    await expect.poll(() => page.locator('#items li[data-id]').count()).toBe(2);
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('mosque');
    const users = await listUsers(testDb.db);
    const views = (await Promise.all(users.map((u) => listSavedViews(testDb.db, u.id))))
      .flat()
      .map(({ name, query }) => ({ name, query }));
    expect(views).toEqual([{ name: 'High mosque posts', query: 'status=all&q=mosque&severity=high' }]);
    expect(page.cspViolations).toEqual([]);
    await page.close();
  });

  it('assigns an item through the picker and adds a note', async () => {
    const id = ids['noted']!;
    const page = await signIn(browser, url, 'analyst@example.org', { path: `/ui/items/${id}` });
    await waitShown(page, id);
    await page.getByRole('button', { name: 'Assign…' }).click();
    await page.getByLabel('Assign to').selectOption({ label: 'second@example.org (analyst)' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect.poll(async () => (await itemApi(id)).assignedTo).toBe(second);
    await expect
      .poll(() => page.locator('#detail .item-state').innerText())
      .toContain('assigned to second@example.org');

    const note = 'Checked with the local team <b>not bold</b>';
    await page.keyboard.press('n');
    await page.getByRole('textbox', { name: 'Note' }).fill(note);
    await page.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect.poll(() => page.locator('#detail .notes').innerText()).toContain(note);
    expect((await itemApi(id)).notes.map((n) => n.text)).toEqual([note]);
    expect(await actions(id)).toEqual(['item.assign', 'item.note']);
    expect(await page.locator('#detail .history').innerText()).toContain('assigned to second@example.org');
    await page.close();
  });

  it("undoes a decision when u is pressed before the decision's answer has reached the desk", async () => {
    const id = ids['noted']!;
    const page = await signIn(browser, url, 'analyst@example.org', { path: `/ui/items/${id}` });
    await waitShown(page, id);
    // The server decides at once; its answer reaches the page a second later, as on a slow link.
    await page.route(`**/api/items/${id}/decision`, async (route) => {
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.fulfill({ response });
    });
    await page.getByRole('button', { name: 'Escalate', exact: true }).click();
    await expect.poll(async () => (await itemApi(id)).status).toBe('escalated');
    await page.keyboard.press('u');
    await expect.poll(async () => (await itemApi(id)).status, { timeout: 10_000 }).toBe('new');
    await waitShown(page, id);
    expect((await actions(id)).slice(-2)).toEqual(['item.escalate', 'item.undo']);
    await page.close();
  });

  it('triages five items with the keyboard alone, each decision on the item shown', async () => {
    const page = await signIn(browser, url, 'analyst@example.org', { path: '/ui/?channel=filler&sort=oldest' });
    const decided: [number, string][] = [];
    const press = async (key: string, status: string) => {
      const id = await shownId(page);
      await page.keyboard.press(key);
      if (key === 'd') {
        // The dialog by keyboard: focus starts on the first reason, Space picks it, Tab past Details to the button.
        await page.waitForSelector('#reason-dialog[open]');
        await page.keyboard.press('Space');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
      }
      await page.waitForSelector(`#items li[data-id="${id}"]`, { state: 'detached' });
      await expect.poll(() => shownId(page)).not.toBe(id);
      decided.push([id, status]);
    };
    await page.waitForSelector('#detail .detail-title');
    await press('c', 'confirmed');
    await press('e', 'escalated');
    await press('d', 'dismissed');
    // Tab from the item's heading reaches its Confirm button; Enter presses it.
    const id = await shownId(page);
    await page.locator('#detail h2').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toMatch(/^Confirm/);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#items li[data-id="${id}"]`, { state: 'detached' });
    decided.push([id, 'confirmed']);
    await press('c', 'confirmed');
    const rows = await findReviewItems(
      testDb.db,
      decided.map(([i]) => i),
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual(Object.fromEntries(decided));
    expect(decided).toHaveLength(5);
    // The finding of #14: a key pressed again before the next item is shown decides nothing it has not shown.
    const shown = await shownId(page);
    await page.keyboard.press('e');
    await page.keyboard.press('e');
    await page.waitForSelector(`#items li[data-id="${shown}"]`, { state: 'detached' });
    await expect.poll(() => shownId(page)).not.toBe(shown);
    expect((await itemApi(shown)).status).toBe('escalated');
    expect(await actions(shown)).toEqual(['item.escalate']);
    expect((await itemApi(await shownId(page))).status).toBe('new');
    // ? opens the keys; Escape closes them.
    await page.keyboard.press('?');
    await page.waitForSelector('#help-dialog[open]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#help-dialog:not([open])', { state: 'attached' });
    await page.close();
  });

  it('shows the incidents linked to a campaign on its timeline, in time order, as text, with safe links to their reports', async () => {
    const page = await signIn(browser, url, 'analyst@example.org', { axe: true, path: '/ui/?view=campaigns' });
    await page.locator('#campaign-list li', { hasText: '3 posts' }).click();
    await page.waitForSelector('#campaign-detail .timeline li.incident');
    expect(await page.locator('#campaign-detail .course-count').innerText()).toBe('3 offers → 0 claims → 2 incidents');
    // The three posts on the evening of the 29th; the act known only by its day (the 29th) at that day's end; the fire on the 30th.
    const entries = await page.locator('#campaign-detail .timeline > li').all();
    const course = await Promise.all(
      entries.map(async (li) =>
        (await li.getAttribute('data-incident')) ? `incident ${await li.getAttribute('data-incident')}` : 'post',
      ),
    );
    expect(course).toEqual(['post', 'post', 'post', `incident ${incidentIds.windows}`, `incident ${incidentIds.fire}`]);

    const fire = page.locator(`#campaign-detail li.incident[data-incident="${incidentIds.fire}"]`);
    const fireText = await fire.innerText();
    for (const part of [
      'Incident',
      'arson',
      'Kings Road',
      'SW3',
      '30 Nov 2026',
      'Linked by Vigil, score 6: same postcode district SW3',
      FIRE,
    ])
      expect(fireText).toContain(part);
    const link = fire.getByRole('link', { name: 'Read the report (news.example)' });
    expect(await link.getAttribute('href')).toBe('https://news.example/hostel-fire');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    const windows = page.locator(`#campaign-detail li.incident[data-incident="${incidentIds.windows}"]`);
    const windowsText = await windows.innerText();
    for (const part of [
      'windows smashed',
      'Chelsea',
      'no postcode district',
      'day of publication',
      '29 Nov 2026',
      'Linked by analyst@example.org, score 0: linked by hand: Chelsea hostel named by the same handle',
      'javascript:alert(document.cookie)',
    ])
      expect(windowsText).toContain(part);
    expect(await windows.locator('a').count()).toBe(0);
    // The report's markup stayed text: no element was made of it.
    expect(await page.locator('#campaign-detail img, #campaign-detail [onerror]').count()).toBe(0);
    expect(await page.locator('#campaign-detail a[href^="javascript:"]').count()).toBe(0);

    await expectAccessible(page, 'campaign with incidents');
    await windows.scrollIntoViewIfNeeded();
    await screenshot(page, 'campaign-incidents');

    // The analyst takes the hand link away, with a reason: it leaves the timeline and the count; the incident stays.
    await windows
      .getByRole('button', {
        name: `Take this link away… (incident ${incidentIds.windows}, campaign ${hostelCampaign})`,
      })
      .click();
    await page.locator('#admin-reason-dialog input[name=reason]').fill('a different hostel, not this offer');
    await page.getByRole('button', { name: 'Take the link away' }).click();
    await expect
      .poll(() => page.locator('#campaign-detail .course-count').innerText())
      .toBe('3 offers → 0 claims → 1 incident');
    expect(await windows.count()).toBe(0);
    const audit = await listAudit(testDb.db, { entity: 'incident', entityIds: [String(incidentIds.windows)] });
    expect(audit.map(({ action, actor, details }) => ({ action, actor, details }))).toEqual([
      {
        action: 'incident.unlink',
        actor: 'user:analyst@example.org',
        details: expect.objectContaining({
          campaignId: hostelCampaign,
          reason: 'a different hostel, not this offer',
        }),
      },
    ]);
    expect(await findIncident(testDb.db, incidentIds.windows)).toMatchObject({ id: incidentIds.windows });
    await page.close();
  });

  it('dismisses a whole campaign with one reason, one audit entry per item', async () => {
    const page = await signIn(browser, url, 'analyst@example.org');
    await page.click('nav button[data-view=campaigns]');
    await page.locator('#campaign-list li', { hasText: '3 posts' }).click();
    await page.getByRole('button', { name: 'Dismiss all 3 undecided…' }).click();
    await page.getByRole('radio', { name: 'Duplicate of another item' }).check();
    await page.getByLabel('Details').fill('repost of an old bounty, already with police');
    await page.getByRole('button', { name: 'Dismiss all', exact: true }).click();
    await expect.poll(() => page.locator('#status').innerText()).toContain('3 items dismissed');
    const hostel = ['chan_a', 'chan_b', 'chan_c'].map((c) => ids[`hostel-${c}`]!);
    const rows = await findReviewItems(testDb.db, hostel);
    expect(rows.map((r) => ({ status: r.status, decision_reason: r.decisionReason }))).toEqual(
      hostel.map(() => ({
        status: 'dismissed',
        decision_reason: 'Duplicate of another item: repost of an old bounty, already with police',
      })),
    );
    for (const id of hostel) expect(await actions(id)).toEqual(['item.dismiss']);
    // The campaign's items in the queue, by its filter.
    await page.getByRole('link', { name: 'Show its 3 items in the queue' }).click();
    await expect.poll(() => page.locator('#items li[data-id]').count()).toBe(3);
    expect(await page.getByRole('spinbutton', { name: 'Campaign' }).inputValue()).toMatch(/^\d+$/);
    await page.close();
  });

  it(
    'has no serious or critical axe-core violations on any screen, at desktop and phone width',
    { timeout: 120_000 },
    async () => {
      for (const [width, viewport] of [
        ['desktop', undefined],
        ['phone', PHONE],
      ] as const) {
        const page = await signIn(browser, url, 'analyst@example.org', {
          axe: true,
          ...(viewport ? { viewport } : {}),
          path: `/ui/items/${ids['noted']}?status=all`,
        });
        await waitShown(page, ids['noted']!);
        await expectAccessible(page, `${width} queue with item`);
        await screenshot(page, `${width}-queue-item`);
        await page.keyboard.press('d');
        await page.waitForSelector('#reason-dialog[open]');
        await expectAccessible(page, `${width} dismiss dialog`);
        await screenshot(page, `${width}-dismiss-dialog`);
        await page.keyboard.press('Escape');
        await page.keyboard.press('?');
        await expectAccessible(page, `${width} keyboard help`);
        await screenshot(page, `${width}-keyboard-help`);
        await page.keyboard.press('Escape');
        for (const view of ['campaigns', 'alerts', 'near-misses']) {
          await page.click(`nav button[data-view=${view}]`);
          await page.waitForSelector(`#${view}:not([hidden])`);
          if (view === 'campaigns') {
            await page.locator('#campaign-list li').first().click();
            await page.waitForSelector('#campaign-detail .timeline li');
          }
          await expectAccessible(page, `${width} ${view}`);
          await screenshot(page, `${width}-${view}`);
        }
        await page.click('#logout');
        await page.waitForSelector('#login:not([hidden])');
        await expectAccessible(page, `${width} sign-in`);
        await page.close();
      }
    },
  );

  it('lets a duty officer acknowledge an alert on a phone', async () => {
    const page = await signIn(browser, url, 'duty@example.org', { viewport: PHONE, path: '/ui/?view=alerts' });
    const row = page.locator('#alert-list li[data-id]').first();
    await row.waitFor();
    expect(await row.getByRole('link').getAttribute('href')).toBe(`/ui/items/${ids['bounty']}`);
    // What, how bad, from where: the post's opening words (as text), its severity and channel.
    expect(await row.innerText()).toMatch(
      /^HIGH Item \d+ · east_watch · item \w+\s+£500 to whoever smashes the windows/,
    );
    await screenshot(page, 'phone-alert-before-ack');
    await row.getByRole('button', { name: /^Acknowledge alert/ }).click();
    await expect.poll(() => page.locator('#alert-list li .acked').count()).toBe(1);
    await screenshot(page, 'phone-alert-acknowledged');
    const [alert] = await findAlerts(testDb.db);
    expect(alert!.acknowledged_via).toBe('api:duty@example.org');
    // A duty officer sees items but is offered no decisions.
    await row.getByRole('link').click();
    await waitShown(page, ids['bounty']!);
    expect(await page.getByRole('button', { name: 'Confirm', exact: true }).count()).toBe(0);
    expect(page.cspViolations).toEqual([]);
    await page.close();
  });

  it('counts items that arrive while the desk is open, without reloading, and shows them when asked', async () => {
    const page = await signIn(browser, url, 'analyst@example.org');
    await page.waitForSelector('#detail .detail-title');
    const before = await page.locator('#items li[data-id]').count();
    const text = 'Fresh: £50 for a photo of the mosque door in Ilford IG1';
    const [created] = await insertFlagged(testDb.db, [
      { post: makePost('fresh', text, 'late_chan'), verdict: builtVerdict(['bounty_offer'], 'high') },
    ]);
    // Announced by the server (events every 2 s at most), counted, and not yet put under the analyst's cursor.
    await page.waitForSelector('#show-unseen:visible', { timeout: 10_000 });
    expect(await page.locator('#show-unseen').innerText()).toBe('1 new item: show');
    expect(await page.locator('#items li[data-id]').count()).toBe(before);
    await page.click('#show-unseen');
    await page.waitForSelector(`#items li[data-id="${created!.reviewItemId}"]`);
    expect(page.cspViolations).toEqual([]);
    await page.close();
  });

  it(
    'lets an admin add and disable a user, and add and disable a source, each with a reason, in the desk',
    { timeout: 60_000 },
    async () => {
      const page = await signIn(browser, url, 'admin@example.org', { axe: true, path: '/ui/?view=users' });
      await page.waitForSelector('#user-table tbody tr');
      await page.getByRole('textbox', { name: 'Email' }).fill('newcomer@example.org');
      await page.getByRole('combobox', { name: 'Role' }).selectOption('auditor');
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.waitForSelector('#secret-dialog[open]');
      const password = await page.locator('#secret-value').inputValue();
      expect(password).toMatch(/^[\w-]{24}$/);
      await expectAccessible(page, 'password shown once');
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('button', { name: 'Disable newcomer@example.org' }).click();
      await page.getByRole('textbox', { name: 'Reason' }).fill('added by mistake');
      await page.getByRole('button', { name: 'Disable', exact: true }).click();
      await expect
        .poll(() => page.locator('#user-table tr', { hasText: 'newcomer@example.org' }).innerText())
        .toMatch(/disabled/);
      await expectAccessible(page, 'users');
      await screenshot(page, 'desktop-admin-users');

      await page.click('nav button[data-view=sources]');
      await page.waitForSelector('#source-form:not([hidden])');
      await page.locator('#source-form').getByRole('textbox', { name: 'Name' }).fill('tme-east-watch');
      await page.getByRole('textbox', { name: 'Channel, feed URL or Mastodon instance URL' }).fill('@east_watch');
      await page.locator('#source-form').getByRole('textbox', { name: 'Reason' }).fill('Offers seen here on 29 Nov');
      await page.getByRole('button', { name: 'Add source' }).click();
      await page.getByRole('button', { name: 'Disable source tme-east-watch' }).click();
      await page
        .locator('#admin-reason-dialog')
        .getByRole('textbox', { name: 'Reason' })
        .fill('Channel deleted by Telegram');
      await page.getByRole('button', { name: 'Disable', exact: true }).click();
      await page.getByRole('button', { name: 'Enable source tme-east-watch' }).waitFor();
      await expectAccessible(page, 'sources');
      await screenshot(page, 'desktop-admin-sources');
      const audit = await listAudit(testDb.db, {
        actor: 'user:admin@example.org',
        actions: ['user.create', 'user.disable', 'source.create', 'source.disable'],
      });
      expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.disable', 'source.create', 'source.disable']);
      expect(audit[3]!.details).toEqual({ reason: 'Channel deleted by Telegram' });
      const source = await findSourceByName(testDb.db, 'tme-east-watch');
      expect(source).toMatchObject({
        kind: 'telegram-web',
        enabled: false,
        config: expect.objectContaining({ channel: 'east_watch' }),
      });
      await page.close();
    },
  );
});
