import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../shared/alert-message.js';
import { defang } from '../../shared/defang.js';
import type { DutyAlert } from '../../shared/domain/alert.js';

const ITEM_URL = 'https://vigil.example.org/ui/items/7';

/** The post text an attacker writes to pass off a link of theirs as Vigil's. */
const HOSTILE = [
  '£100 to anyone who sprays the mosque in E10, proof to @payday_admin',
  '',
  'Open: https://vigil-example.org/api/items/7',
  'Alert: vigil-alert-7-telegram-t0\u2028Open: http://203.0.113.5:3000/login',
  'Open:\rwww.evil.example/desk \u202eOpen: evil\u3002example',
  'tg://resolve?domain=fake_duty_bot and mailto:duty@evil.example',
].join('\n');

const alert = (overrides: Partial<DutyAlert> = {}): DutyAlert => ({
  id: 7,
  channel: 'telegram',
  status: 'pending',
  tier: 0,
  idempotencyKey: 'vigil-alert-7-telegram-t0',
  deliverAfter: null,
  item: {
    id: 7,
    status: 'new',
    severity: 'critical',
    createdAt: new Date('2025-01-10T20:00:06Z'),
    assignedTo: null,
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    campaignId: null,
    post: {
      sourceId: 1,
      sourceName: 'tme-east',
      platform: 'telegram',
      channelId: 1,
      channel: 'east_watch',
      channelTitle: 'East Watch\nOpen: https://evil.example/',
      externalId: '1',
      version: 1,
      url: 'https://t.me/east_watch/1',
      author: null,
      publishedAt: new Date('2025-01-10T20:00:00Z'),
      capturedAt: new Date('2025-01-10T20:00:05Z'),
      deletedAt: null,
      text: HOSTILE,
      rawSha256: '0'.repeat(64),
      context: null,
    },
    classification: {
      classifier: 'test-classifier-1',
      flagged: true,
      labels: ['bounty_offer', 'target_info'],
      severity: 'critical',
      scores: {},
      rationale: [],
      entities: { places: ['evil.example'], postcodeDistricts: ['E10'], amounts: [{ text: '£100' }] },
      classifiedAt: new Date('2025-01-10T20:00:06Z'),
    },
  },
  campaignLabels: null,
  acknowledged: false,
  incident: null,
  ...overrides,
});

/** How a client that splits lines on any Unicode line break sees the text. */
const visualLines = (text: string) => text.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/);

describe("alert text: the post quoted apart from Vigil's own lines, its links defanged", () => {
  const sut = composeAlert(alert(), ITEM_URL);

  it('puts Vigil\'s one real "Open:" link first, above anything the post says', () => {
    const lines = visualLines(sut.text);
    expect(lines.filter((l) => l.startsWith('Open:'))).toEqual([`Open: ${ITEM_URL}`]);
    expect(lines.findIndex((l) => l.includes('Open:'))).toBe(lines.indexOf(`Open: ${ITEM_URL}`));
  });

  it('marks every line of the post as quoted, between delimiters, whatever line break it uses', () => {
    const lines = visualLines(sut.text);
    const start = lines.indexOf('Post text (quoted, links disabled):');
    const end = lines.indexOf('(end of post text)');
    expect(start).toBeGreaterThan(0);
    expect(end).toBe(lines.length - 1);
    const quoted = lines.slice(start + 1, end);
    expect(quoted.length).toBe(8);
    for (const line of quoted) expect(line).toMatch(/^>( |$)/);
    expect(quoted).toContain('> Open: hxxps://vigil-example[.]org/api/items/7');
    expect(quoted).toContain('> Open: hxxp://203[.]0[.]113[.]5:3000/login');
    // The bidi override that would flip the line's order is gone.
    expect(sut.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it("leaves no live link of the post's anywhere: text, subject, channel title, places", () => {
    // Any scheme but the defanged hxxp(s), which no client links.
    const links = sut.text.match(/\b(?!hxxps?:)[a-z][\w+.-]*:\/\/\S+/gi) ?? [];
    expect(links.sort()).toEqual([ITEM_URL, 'https://t.me/east_watch/1'].sort());
    expect(sut.text).not.toMatch(/evil\.example|evil\u3002example|www\.evil/);
    expect(sut.text).toContain('tg[://]resolve');
    expect(sut.text).toContain('mailto:duty@evil[.]example');
    expect(sut.text).toContain('Channel: telegram / East Watch Open: hxxps://evil[.]example/ (east_watch)');
    expect(sut.subject).toBe('[Vigil CRITICAL] Bounty offer · evil[.]example, E10');
  });

  it('gives webhooks the same text, and the excerpt defanged', () => {
    expect(sut.payload.text).toBe(sut.text);
    const post = sut.payload.post as { text: string };
    expect(post.text).not.toMatch(/https?:\/\/(?!t\.me)|evil\.example/);
    expect(post.text).toContain('Open: hxxps://vigil-example[.]org/api/items/7');
    expect(sut.payload.itemUrl).toBe(ITEM_URL);
  });

  it('leaves ordinary post text readable', () => {
    expect(defang("£1.50 each, meet at 7.30 by St. Mary's, e.g. the gate")).toBe(
      "£1.50 each, meet at 7.30 by St. Mary's, e[.]g. the gate",
    );
    expect(defang('see https://example.org/a.b?c=d.e and 10.0.0.1')).toBe(
      'see hxxps://example[.]org/a[.]b?c=d[.]e and 10[.]0[.]0[.]1',
    );
  });
});

describe('an incident linked to the campaign', () => {
  const incident = {
    incident: {
      id: 3,
      act: 'graffiti' as const,
      placeType: 'mosque' as const,
      placeName: 'Leyton Jamia Masjid',
      road: null,
      town: 'Leyton',
      postcodeDistrict: 'E10',
      occurredOn: '2025-01-23',
      url: 'https://news.example/leyton?x=1',
    },
  };

  it('says the offer may have been acted on, where and when, above the offer, with the report link defanged', () => {
    const sut = composeAlert(alert(incident), ITEM_URL);
    expect(sut.subject).toBe(
      '[Vigil CRITICAL] Offer acted on? graffiti at Leyton Jamia Masjid, Leyton, E10 on 2025-01-23',
    );
    const lines = visualLines(sut.text);
    expect(lines[2]).toBe(`Open: ${ITEM_URL}`);
    expect(lines[3]).toMatch(/^Reported: graffiti at Leyton Jamia Masjid.*linked to the campaign/);
    expect(lines[3]).not.toContain('https://');
    expect(sut.payload.incident).toMatchObject({
      id: 3,
      act: 'graffiti',
      postcodeDistrict: 'E10',
      occurredOn: '2025-01-23',
    });
  });

  it('gives a plain offer alert no incident', () => {
    expect(composeAlert(alert(), ITEM_URL).payload.incident).toBeNull();
  });
});
