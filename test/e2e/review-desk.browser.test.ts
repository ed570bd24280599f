import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../cli/runtime.js';
import { classify } from '../../shared/classifier/index.js';
import { capturePost } from '../../shared/domain/post.js';
import { hashPassword } from '../../shared/password.js';
import { assignCampaigns } from '../../shared/repositories/campaign.repository.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { insertNearMisses, listNearMisses } from '../../shared/repositories/near-miss.repository.js';
import { findReviewItems } from '../../shared/repositories/review-item-view.repository.js';
import { insertFlagged, listItems } from '../../shared/repositories/review-item.repository.js';
import { createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { send, startFakeServer } from '../support/fake-server.js';
import { testPrefix } from '../support/redis.js';
import { openDesk } from '../support/desk-browser.js';
import { closeRuntimeTest } from '../support/runtime-test.js';
import { tempDir } from '../support/tmp.js';
import { builtVerdict, nearMissVerdict, uncoveredVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';
import { selectKept } from '../../workers/classify/near-miss.select.js';

const PASSWORD = 'correct horse battery staple';
const HOSTILE_TAIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
const HOSTILE = `£100 to anyone who sprays the mosque in E10, send a pic ${HOSTILE_TAIL}`;
const CLAIM = "Done the one on Green Street last night, video sent to @green_st_paymaster, where's my £200";

/** WCAG contrast ratio of two computed CSS colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? [])
      .slice(0, 3)
      .map((v) => Number(v) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('review desk in a real browser (Debian Chromium, playwright-core)', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let browser: Browser;
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    await createUser(testDb.db, 'analyst@example.org', 'analyst', await hashPassword(PASSWORD));
    const texts = [
      HOSTILE,
      'A ton for whoever puts the windows in at the Islamic centre SE25. Video proof, DM me.',
      'Everyone get down to the mosque on Romford Road tonight and bring bricks.',
    ];
    const items = texts.map((text, i) => ({
      post: capturePost(
        { source: 'test', platform: 'telegram', channel: 'east_watch', externalId: String(i + 1), text },
        Buffer.from(text),
        'text/plain',
        { url: 'https://t.me/s/east_watch', fetchedAt: new Date().toISOString(), fetcher: 'test' },
      ),
      verdict: classify(text),
    }));
    // A claim is built, not classified: the desk is under test here, not the classifier.
    items.push({
      post: makePost('4', CLAIM),
      verdict: builtVerdict(['claim'], 'medium', { contacts: ['@green_st_paymaster'] }),
    });
    expect(items.every((i) => i.verdict.flagged)).toBe(true);
    const created = await insertFlagged(testDb.db, items);
    await testDb.db.transaction().execute((trx) =>
      assignCampaigns(
        trx,
        created.map((c) => ({ reviewItemId: c.reviewItemId, input: items.find((i) => i.post.key === c.postKey)! })),
      ),
    );
    const kept = selectKept([
      {
        post: makePost('nm-1', 'Somebody should sort that hostel out this weekend'),
        verdict: nearMissVerdict({ call_to_action: 0.45 }),
      },
      { post: makePost('nm-2', `Sto złotych za zdjęcie meczetu ${HOSTILE_TAIL}`), verdict: uncoveredVerdict('pl') },
    ]);
    await insertNearMisses(testDb.db, [...kept.nearMisses, ...kept.uncovered]);
    ({ runtime, browser } = await openDesk(testDb, prefix, tempDir()));
  }, 60_000);

  afterAll(async () => {
    await closeRuntimeTest(runtime, [browser], testDb, prefix);
  });

  async function signIn(): Promise<Page> {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${runtime.url}/`);
    await page.fill('input[name=email]', 'analyst@example.org');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#items li[data-id]');
    return Object.assign(page, { violations });
  }

  it('shows a claim of an act in words with a badge of its own, and filters the queue to claims', async () => {
    const page = await signIn();
    const badge = page.locator('#items li', { hasText: 'Green Street' }).locator('.label-claim');
    expect(await badge.innerText()).toBe('Claim of an act');
    const [color, background] = await page.evaluate<[string, string]>(
      "(() => { const s = getComputedStyle(document.querySelector('#items .label-claim')); return [s.color, s.backgroundColor]; })()",
    );
    expect(contrast(color, background)).toBeGreaterThanOrEqual(4.5);
    expect(background).not.toBe(
      await page.evaluate<string>(
        "getComputedStyle(document.querySelector('#items .label-bounty_offer')).backgroundColor",
      ),
    );

    await page.selectOption('#label-filter', { label: 'Claim of an act' });
    // Polled from here: a string run in the page would need 'unsafe-eval', which the CSP refuses.
    await expect.poll(() => page.locator('#items li[data-id]').count()).toBe(1);
    await page.locator('#items li[data-id]').click();
    await page.waitForSelector('#detail h2 .label-claim');
    expect(await page.locator('#detail h2').innerText()).toMatch(/^MEDIUM · /);
    expect(await page.locator('#detail h2 .label').allInnerTexts()).toEqual(['Claim of an act']);

    await page.click('nav button[data-view=campaigns]');
    const campaign = page.locator('#campaign-list li', { hasText: '@green_st_paymaster' });
    await campaign.waitFor();
    expect(await campaign.innerText()).toContain('Bounty offer: 0 · Call to action: 0 · Claim of an act: 1');
    expect((page as Page & { violations: string[] }).violations).toEqual([]);
    await page.close();
  });

  it('signs in, renders a hostile post inert with its rationale highlighted, and triages by keyboard', async () => {
    const page = await signIn();
    expect(await page.locator('#items li[data-id]').count()).toBe(4);
    const hostileRow = page.locator('#items li', { hasText: 'window.__pwned' });
    const hostileId = await hostileRow.getAttribute('data-id');
    await hostileRow.click();
    // The first item opens beside the list at once; the row clicked replaces it.
    await page.waitForSelector(`#detail[data-id="${hostileId}"] .post-text`);
    expect(await page.locator('#detail .post-text').innerText()).toContain('<script>window.__pwned = 1</script>');
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('#detail script, #detail img').count()).toBe(0);
    const marks = await page.locator('#detail mark').allInnerTexts();
    expect(marks).toEqual(expect.arrayContaining(['£100', 'mosque', 'E10']));

    // Keyboard: k to the top (each row opens beside the list as it is reached), c to confirm, then d with a
    // preset reason to dismiss the next, which opened in the confirmed one's place.
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    const firstId = Number(await page.locator('#items li.selected').getAttribute('data-id'));
    await page.waitForSelector(`#detail[data-id="${firstId}"]`);
    await page.keyboard.press('c');
    await page.waitForSelector(`#items li[data-id="${firstId}"]`, { state: 'detached' });
    const secondId = Number(await page.locator('#items li.selected').getAttribute('data-id'));
    await page.waitForSelector(`#detail[data-id="${secondId}"]`);
    await page.keyboard.press('d');
    await page.getByRole('radio', { name: 'Lawful offer (not for an act of harm)' }).check();
    await page.getByLabel('Details').fill('mural commission');
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await page.waitForSelector(`#items li[data-id="${secondId}"]`, { state: 'detached' });

    const rows = await findReviewItems(testDb.db, [firstId, secondId]);
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.decisionReason]]))).toEqual({
      [firstId]: ['confirmed', null],
      [secondId]: ['dismissed', 'Lawful offer (not for an act of harm): mural commission'],
    });
    const audit = await listAudit(testDb.db, { actor: 'user:analyst@example.org' });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['item.view', 'item.confirm', 'item.dismiss']));
    expect((page as Page & { violations: string[] }).violations).toEqual([]);
    await page.close();
  });

  it('shows campaigns with their timeline', async () => {
    const page = await signIn();
    await page.click('nav button[data-view=campaigns]');
    await page.waitForSelector('#campaign-list li');
    expect(await page.locator('#campaign-list li').count()).toBe(4);
    await page.locator('#campaign-list li', { hasText: 'se25' }).click();
    await page.waitForSelector('#campaign-detail .timeline li');
    expect(await page.locator('#campaign-detail .timeline li').innerText()).toContain(
      'A ton for whoever puts the windows in',
    );
    await page.close();
  });

  it('refuses the admin pages to an analyst', async () => {
    const page = await signIn();
    await page.click('nav button[data-view=sources]');
    await page.waitForSelector('#source-list .error');
    expect(await page.locator('#source-list .error').innerText()).toMatch(/Not allowed for your role/);
    await page.click('nav button[data-view=audit]');
    await page.waitForSelector('#audit-list .error');
    await page.close();
  });

  it('lists near misses apart, filters other languages, and lets an analyst mark each one', async () => {
    const page = await signIn();
    await page.click('nav button[data-view=near-misses]');
    await page.waitForSelector('#near-miss-list li[data-id]');
    expect(await page.locator('#near-miss-list li[data-id]').count()).toBe(2);

    await page.selectOption('#near-miss-filter', { label: 'Other languages' });
    // Polled from here: the page's CSP forbids the string evaluation waitForFunction would need.
    await expect.poll(() => page.locator('#near-miss-list li[data-id]').count()).toBe(1);
    const polish = page.locator('#near-miss-list li[data-id]');
    expect(await polish.locator('.post-text').innerText()).toContain('<script>window.__pwned = 1</script>');
    expect(await polish.locator('.nm-meta').innerText()).toContain('language not covered · pl');
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('#near-miss-list script, #near-miss-list img').count()).toBe(0);
    const polishId = Number(await polish.getAttribute('data-id'));
    await polish.locator('select.nm-label').selectOption('claim');
    await polish.locator('button.nm-incitement').click();
    await page.waitForSelector(`#near-miss-list li[data-id="${polishId}"]`, { state: 'detached' });

    await page.selectOption('#near-miss-filter', { label: 'Near misses' });
    await page.waitForSelector('#near-miss-list li[data-id]');
    const nearMiss = page.locator('#near-miss-list li[data-id]');
    const nearMissId = Number(await nearMiss.getAttribute('data-id'));
    // The label the classifier leaned to is preselected.
    expect(await nearMiss.locator('select.nm-label').inputValue()).toBe('call_to_action');
    await nearMiss.locator('button.nm-not').click();
    await page.waitForSelector(`#near-miss-list li[data-id="${nearMissId}"]`, { state: 'detached' });

    const rows = (await listNearMisses(testDb.db, { limit: 1000, offset: 0 }))
      .map(({ id, decision, decided_label }) => ({ id, decision, decided_label }))
      .sort((a, b) => a.id - b.id);
    expect(rows).toEqual([
      { id: nearMissId, decision: 'not', decided_label: null },
      { id: polishId, decision: 'incitement', decided_label: 'claim' },
    ]);
    const audit = await listAudit(testDb.db, { entity: 'near_miss' });
    expect(audit.map((a) => a.action)).toEqual(['near_miss.incitement', 'near_miss.not']);
    expect((page as Page & { violations: string[] }).violations).toEqual([]);
    await page.close();
  });

  it("records no custody view when a page on another port of this host loads an item with the analyst's cookie", async () => {
    const page = await signIn();
    const { id } = (await listItems(testDb.db, { sort: 'oldest', limit: 1, offset: 0 }))[0]!;
    const target = `${runtime.url}/api/items/${id}`;
    const views = async () => (await listAudit(testDb.db, { entityIds: [String(id)], actions: ['item.view'] })).length;
    const before = await views();
    // Same site as the desk (a site ignores ports), so the SameSite=Strict cookie goes along.
    const other = await startFakeServer((_req, res) =>
      send(
        res,
        200,
        `<!doctype html><img src="${target}?by=img"><script>fetch(${JSON.stringify(`${target}?by=fetch`)}, { mode: 'no-cors', credentials: 'include' }).finally(() => { document.title = 'sent'; });</script>`,
        { 'content-type': 'text/html' },
      ),
    );
    try {
      // Chromium blocks the image's JSON answer from the page (ORB) once it has arrived, so only the fetch's status shows.
      const settled = new Set<string>();
      let fetchStatus: number | undefined;
      const by = (url: string) => (url.startsWith(`${target}?by=`) ? new URL(url).searchParams.get('by') : null);
      page.on('response', (r) => {
        if (by(r.url()) === 'fetch') fetchStatus = r.status();
      });
      const settle = (r: Request) => {
        const which = by(r.url());
        if (which) settled.add(which);
      };
      page.on('requestfinished', settle);
      page.on('requestfailed', settle);
      await page.goto(`${other.url}/`);
      await expect.poll(() => page.title()).toBe('sent');
      await expect.poll(() => [...settled].sort()).toEqual(['fetch', 'img']);
      // 403, not 401: the cookie arrived, and the view was refused for where it came from.
      expect(fetchStatus).toBe(403);
      expect(await views()).toBe(before);
    } finally {
      await other.close();
      await page.close();
    }
  });

  it('serves the page with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${runtime.url}/ui/`);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
