import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../cli/runtime.js';
import { deskItemUrl } from '../../shared/desk-url.js';
import { directoryStore } from '../../shared/media/media-store.js';
import { hashPassword } from '../../shared/password.js';
import { insertPostMedia } from '../../shared/repositories/media.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { expectAccessible, openDesk, PASSWORD, screenshot, signIn } from '../support/desk-browser.js';
import { OFFER_POSTER, poster } from '../support/posters.js';
import { testPrefix } from '../support/redis.js';
import { closeRuntimeTest } from '../support/runtime-test.js';
import { tempDir } from '../support/tmp.js';
import { makeItem, makePost } from '../support/factories.js';
import { builtVerdict } from '../support/verdicts.js';

// What OCR read is attacker-controlled text like any post: markup in it must show as text.
const OCR =
  '£100 TO ANYONE WHO SPRAYS THE MOSQUE ON LEYTON HIGH ROAD E10 <img src=x onerror=alert(1)> PROOF TO @payday_admin';

describe('review desk: a flagged poster shows its image beside the text read from it (Debian Chromium)', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let browser: Browser;
  let itemId: number;
  let sha256: string;
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    await createUser(testDb.db, 'analyst@example.org', 'analyst', await hashPassword(PASSWORD));
    const dir = tempDir();
    const storeDir = join(dir, 'media');
    const bytes = await poster(OFFER_POSTER);
    ({ sha256 } = await directoryStore(storeDir).put(bytes));
    const post = makePost('poster-1', '');
    const money = OCR.indexOf('£100');
    const verdict = builtVerdict(
      ['bounty_offer'],
      'critical',
      { contacts: ['@payday_admin'] },
      { rationale: [{ feature: 'money', start: money, end: money + 4, text: '£100', image: { sha256 } }] },
    );
    const [created] = await insertFlagged(testDb.db, [makeItem(post, verdict)]);
    itemId = created!.reviewItemId;
    await insertPostMedia(testDb.db, post.key, [
      {
        sha256,
        size: bytes.length,
        contentType: 'image/png',
        width: 1280,
        height: 720,
        phash: '0123456789abcdef',
        dhash: 'fedcba9876543210',
        ocrText: OCR,
        qr: 'https://t.me/payday_admin',
        kind: 'photo',
        capture: {
          url: 'https://cdn4.telesco.pe/file/poster.png',
          fetchedAt: '2026-11-30T09:00:00Z',
          status: 200,
          headers: { 'content-type': 'image/png' },
        },
      },
    ]);
    writeFileSync(join(dir, 'vigil.config.yaml'), `demo: false\nmedia: { storeDir: "${storeDir}" }\n`);
    ({ runtime, browser } = await openDesk(testDb, prefix, dir));
  }, 60_000);

  afterAll(async () => {
    await closeRuntimeTest(runtime, [browser], testDb, prefix);
  });

  it('serves the stored image, shows the OCR text as text with its rationale span, and the QR target', async () => {
    const page = await signIn(browser, runtime.url!, 'analyst@example.org', {
      path: new URL(deskItemUrl(runtime.url!, itemId)).pathname,
    });
    const figure = page.locator('figure.post-image');
    await figure.waitFor();
    // The image loaded from Vigil's own route and decoded: a real picture, not a broken icon.
    await expect
      .poll(() =>
        page.evaluate(
          "(() => { const img = document.querySelector('figure.post-image img'); return img.complete ? img.naturalWidth : 0; })()",
        ),
      )
      .toBeGreaterThan(0);
    expect(await figure.locator('img').getAttribute('src')).toMatch(
      new RegExp(`^/api/items/${itemId}/media/${sha256}`),
    );
    const caption = figure.locator('figcaption');
    expect(await caption.innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('figcaption img').count()).toBe(0);
    expect(await caption.locator('mark').allInnerTexts()).toEqual(['£100']);
    expect(await caption.innerText()).toContain('QR code: https://t.me/payday_admin');
    expect(await caption.innerText()).toContain(`SHA-256 ${sha256}`);
    expect(page.cspViolations).toEqual([]);
    await caption.scrollIntoViewIfNeeded();
    await screenshot(page, 'item-with-image');
    await page.close();
  });

  it('is accessible with the image and its text shown', async () => {
    const page = await signIn(browser, runtime.url!, 'analyst@example.org', { axe: true });
    await page.goto(deskItemUrl(runtime.url!, itemId));
    await page.locator('figure.post-image img').waitFor();
    await expectAccessible(page, 'item with an image');
    await page.close();
  });
});
