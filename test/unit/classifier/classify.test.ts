import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify, CLASSIFIER_VERSION } from '../../../shared/classifier/index.js';
import { DEMO_EXPORT } from '../../../shared/paths.js';
import { flattenText } from '../../../workers/ingest/sources/telegram-export.source.js';

describe('classify', () => {
  it('flags a bounty offer with a located target and a proof request as critical, and explains itself', () => {
    const text = '£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin';
    const sut = classify(text);
    expect(sut).toMatchObject({
      flagged: true,
      labels: ['bounty_offer', 'target_info'],
      severity: 'critical',
      classifier: CLASSIFIER_VERSION,
    });
    expect(sut.scores.bounty_offer).toBeGreaterThan(0.9);
    const features = sut.rationale.map((r) => r.feature);
    expect(features).toEqual(
      expect.arrayContaining([
        'money',
        'offer_frame',
        'act_vandal',
        'target_place',
        'postcode',
        'place_name',
        'proof',
        'contact',
        'segment:bounty_offer',
      ]),
    );
    for (const r of sut.rationale) expect(text.slice(r.start, r.end)).toBe(r.text);
  });

  it.each([
    [
      'a call with a place and a time',
      'Everyone get down to the mosque on Romford Road tonight and bring bricks.',
      'call_to_action',
    ],
    [
      'an offer in a job-ad disguise',
      'Need a job? Quick easy money: 200 quid to paint the walls of the asylum hotel in B6. Video proof, DM @cleanstreets_jobs',
      'bounty_offer',
    ],
    ['an offer in emoji', '💷💷 for every 🕌 you 🎨 in E10. Send the 📸 to @payday_admin', 'bounty_offer'],
    [
      'an offer hidden with homoglyphs and zero-width characters',
      '£100 t\u043e \u0430nyone wh\u043e spr\u200bays the m\u043esque in E10. Send \u0430 pic.',
      'bounty_offer',
    ],
    ['an offer in crypto', 'We pay 100 USDT per act: spray the mosque, film it, send it to the bot.', 'bounty_offer'],
  ])('flags %s', (_, text, label) => {
    const sut = classify(text);
    expect(sut.flagged).toBe(true);
    expect(sut.labels).toContain(label);
  });

  it.each([
    [
      'news about an offer',
      'A Telegram group was reportedly offering £100 to anyone who vandalised mosques, detectives said.',
    ],
    ['a court report', 'The court heard he paid two men £100 each to spray graffiti on the temple.'],
    ['a police appeal', 'Police are appealing for witnesses after graffiti was sprayed on a mosque in E15. Call 101.'],
    [
      'counter-speech quoting an offer',
      "'£100 to anyone who sprays the mosque' is being shared on Telegram. Report this channel now.",
    ],
    [
      'a reward for information',
      '£5,000 reward for information about the arson at the refugee centre. Call Crimestoppers anonymously.',
    ],
    ['a fundraiser for repairs', 'Fundraiser for repairs to the synagogue windows: every £10 helps.'],
    ['lawful paid painting', 'Paying £150 for someone to paint our garden fence this weekend, DM me.'],
    ['a lost-pet reward', 'Lost cat near the school gates, £50 reward, she is ginger and very shy.'],
    ['marketing', 'Smash your goals this year with our gym, only £20 a month.'],
  ])('does not flag %s', (_, text) => {
    expect(classify(text).flagged).toBe(false);
  });

  it('records hate without a call to act, and pages nobody for it', () => {
    const sut = classify('These migrants are a plague on this country.');
    expect(sut.labels).toEqual(['hate']);
    expect(sut.flagged).toBe(false);
    expect(sut.severity).toBe('low');
  });

  it('scores a long document by segment and points at the offer inside it', () => {
    const offer = '£100 to anyone who sprays the mosque on Lea Bridge Road E10 this week.';
    const text = `Morning patriots. Good turnout at the weekend, well done to everyone who came out and stood in the rain for hours. The media are lying about us again, ignore them and don't give them quotes. New members, read the pinned rules first and introduce yourselves in the chat. Merch orders are delayed by a week because the printer let us down again, sorry about that. The quiz night raised a good amount for the memorial fund, thanks to the landlord for the room and to everyone who brought food. Now for business: ${offer} Send the pic to @payday_admin and you get paid same day.`;
    const sut = classify(text);
    expect(sut.flagged).toBe(true);
    const segment = sut.rationale.find((r) => r.feature === 'segment:bounty_offer')!;
    expect(segment.text).toContain(offer);
    expect(segment.text).not.toContain('Good turnout');
  });

  it('keeps a news page about an offer unflagged even though one sentence restates the offer', () => {
    const text =
      'Local news roundup. The council has approved plans for a new leisure centre in Leyton. Meanwhile, police are investigating after graffiti was sprayed on a mosque in E10 overnight. ' +
      'Detectives said a Telegram channel had offered £100 to anyone who vandalised mosques and sent a photo. In sport, Leyton Orient won 2-0 on Saturday.';
    expect(classify(text).flagged).toBe(false);
  });

  it('is deterministic', () => {
    const text = 'A ton for whoever puts the windows in at the Islamic centre SE25. Video proof, DM me.';
    expect(classify(text)).toEqual(classify(text));
  });

  it('copes with empty, binary, huge and hostile input', () => {
    expect(classify('').flagged).toBe(false);
    expect(classify('\u0000\u0001\ufffd\ud800 garbage \u0007').flagged).toBe(false);
    expect(classify('<script>alert(1)</script><img src=x onerror=alert(1)>').flagged).toBe(false);
    const huge = `${'filler words about the weather and the buses. '.repeat(5000)}£100 to anyone who sprays the mosque in E10, send a pic to @admin.`;
    const sut = classify(huge);
    expect(sut.flagged).toBe(false);
    expect(sut.entities.truncatedAt).toBe(100_000);
    expect(
      classify('£100 to anyone who sprays the mosque in E10, send a pic to @admin. ' + 'x'.repeat(200_000)).flagged,
    ).toBe(true);
  });

  it('flags exactly the offers and calls in the bundled demo', () => {
    const demo = JSON.parse(readFileSync(DEMO_EXPORT(), 'utf8')) as {
      messages: { id: number; type: string; text: Parameters<typeof flattenText>[0] }[];
    };
    const flagged = demo.messages
      .filter((m) => m.type === 'message' && classify(flattenText(m.text)).flagged)
      .map((m) => m.id);
    expect(flagged).toEqual([6, 9, 13, 17, 19, 21, 24, 28, 32]);
  });
});
