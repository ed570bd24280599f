import { describe, expect, it } from 'vitest';
import { severityOf } from '../../../shared/classifier/classify.js';
import { classify } from '../../../shared/classifier/index.js';

describe('severity follows harm', () => {
  it('rates a call to burn a refugee hotel tonight above £50 for stickers', () => {
    expect(
      severityOf(new Set(['call_to_action', 'target_info']), new Set(['act_fire', 'target_place', 'time', 'call']), 0),
    ).toBe('critical');
    expect(severityOf(new Set(['bounty_offer']), new Set(['act_vandal', 'money']), 50)).toBe('medium');
  });

  it('weighs the act, a located target, a time, and an offer with proof or contact', () => {
    const offer = new Set(['bounty_offer'] as const);
    expect(severityOf(offer, new Set(['act_vandal']), 20)).toBe('medium');
    expect(severityOf(offer, new Set(['act_damage', 'target_place']), 20)).toBe('high');
    expect(severityOf(offer, new Set(['act_vandal', 'target_place', 'postcode', 'proof']), 100)).toBe('critical');
    expect(severityOf(new Set(['call_to_action'] as const), new Set(['act_vandal']), 0)).toBe('low');
    expect(severityOf(new Set(['call_to_action'] as const), new Set(['act_violence', 'target_place']), 0)).toBe('high');
    expect(severityOf(new Set(['claim'] as const), new Set(['act_fire', 'target_place']), 0)).toBe('critical');
    expect(severityOf(new Set(['hate'] as const), new Set(['act_fire', 'target_place', 'time']), 0)).toBe('low');
  });

  it('classifies a call to burn a hotel tonight as critical', () => {
    const v = classify('Everyone to the asylum hotel on the bypass tonight, bring petrol and burn it down.');
    expect(v.flagged).toBe(true);
    expect(v.severity).toBe('critical');
  });
});

describe('claims', () => {
  it.each([
    'Done the mosque on Green Street E7 last night, pics sent to the bot, where is my £200',
    'm0sk in B11 t4gged ✅ video in your DMs, pay up',
  ])('flags a claim of an act with proof or a payment demand: %j', (text) => {
    const v = classify(text);
    expect(v.flagged).toBe(true);
    expect(v.labels).toContain('claim');
  });

  it.each([
    'Done with my exams finally, time to sleep for a week',
    'Paid the gas bill, sent the screenshot to my landlord, done for today',
  ])('does not flag an everyday "done": %j', (text) => {
    expect(classify(text).flagged).toBe(false);
  });
});

describe('near misses and rationale', () => {
  it('explains a flag with the words that weighed most, as written', () => {
    const text = 'Paying 200 quid to whoever paints the mosque on Leyton High Road E10, pics to @payday_admin';
    const v = classify(text);
    const words = v.rationale.filter((r) => r.feature.startsWith('word:'));
    expect(words.length).toBeGreaterThan(0);
    for (const r of v.rationale) expect(text.slice(r.start, r.end)).toBe(r.text);
  });

  it('marks an unflagged post that scored just under a threshold as a near miss, and plain chatter as not', () => {
    const candidates = [
      'would anyone even notice if the sign at the centre on Mill Road went missing',
      'no one is watching the mosque car park at night these days',
      'the lads were talking about the hostel on the ring road again last night',
      'people round here are fed up with the hotel by the bypass',
      'that hostel is getting a lot of attention lately',
    ].map(classify);
    expect(candidates.some((v) => v.nearMiss && !v.flagged)).toBe(true);
    for (const v of candidates) if (v.flagged) expect(v.nearMiss).toBe(false);
    expect(classify('Lovely weather for the school fete on Saturday, see you all there').nearMiss).toBe(false);
  });
});
