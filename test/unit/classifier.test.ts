import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/classify.js';
import { DEMO_EXPORT } from '../../shared/paths.js';
import { flattenText } from '../../workers/ingest/sources/telegram-export.source.js';

describe('classify (rule-based placeholder until the statistical classifier lands)', () => {
  it('flags a bounty offer with a target, a postcode and a proof request as critical', () => {
    const sut = classify('£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin');
    expect(sut.flagged).toBe(true);
    expect(sut.labels).toContain('bounty_offer');
    expect(sut.severity).toBe('critical');
    expect(sut.entities).toEqual({ postcodeDistricts: ['E10'] });
  });

  it.each([
    'Police are appealing for witnesses after graffiti was sprayed on a mosque in E15. Call 101.',
    'A Telegram group was reportedly offering £100 to anyone who vandalised mosques, detectives said.',
    'Paying £150 for someone to paint our garden fence this weekend.',
    'Fundraiser for repairs to the synagogue windows: every £10 helps.',
    'Smash your goals this year with our gym, only £20 a month.',
  ])('leaves a hard negative unflagged: %s', (text) => {
    expect(classify(text).flagged).toBe(false);
  });

  it('points rationale spans into the original text, even past invisible characters', () => {
    const text = 'Pay\u200bing £1\u200d00 for whoever paints the m\u200bosque, send a pic';
    const sut = classify(text);
    expect(sut.flagged).toBe(true);
    for (const span of sut.rationale) expect(text.slice(span.start, span.end)).toBe(span.text);
    expect(sut.rationale.find((r) => r.feature === 'target')?.text).toBe('m\u200bosque');
  });

  it('flags exactly the offers and calls in the bundled demo', () => {
    const demo = JSON.parse(readFileSync(DEMO_EXPORT(), 'utf8')) as { messages: { id: number; type: string; text: Parameters<typeof flattenText>[0] }[] };
    const flagged = demo.messages.filter((m) => m.type === 'message' && classify(flattenText(m.text)).flagged).map((m) => m.id);
    expect(flagged).toEqual([6, 9, 13, 17, 19, 21, 24, 28, 32]);
  });
});
