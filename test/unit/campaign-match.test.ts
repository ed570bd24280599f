import { describe, expect, it } from 'vitest';
import { hammingDistance, matchCampaign, NEAR_DUPLICATE_BITS, simhash } from '../../shared/campaign-match.js';

const OFFER = '£100 to anyone who sprays the mosque on Leyton High Road E10 tonight. Send a pic to @payday_admin and you get paid same day.';

describe('campaign matching', () => {
  it('gives a repost with small edits or evasions a near-identical SimHash, and other posts a distant one', () => {
    const base = simhash(OFFER);
    expect(hammingDistance(base, simhash(OFFER))).toBe(0);
    expect(hammingDistance(base, simhash(OFFER.replace('tonight', 'this evening')))).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    expect(hammingDistance(base, simhash(OFFER.replace('mosque', 'm0sque').replace('£100', '£1OO')))).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    expect(hammingDistance(base, simhash('Paying a ton in BTC for every window put in at the Islamic centre in SE25. Video proof or no payment.'))).toBeGreaterThan(NEAR_DUPLICATE_BITS);
    expect(hammingDistance(base, simhash('Morning all, bins are late again on our road, anyone know why?'))).toBeGreaterThan(NEAR_DUPLICATE_BITS);
  });

  it('joins a differently worded offer by its payment handle and a target the campaign named', () => {
    const known = [{ id: 7, simhash: simhash(OFFER), targets: ['e10'], handles: ['@payday_admin'] }];
    const other = { simhash: simhash('New job, same deal: paint the Leyton masjid, pics to the usual admin'), targets: ['e10'], handles: ['@payday_admin'] };
    expect(matchCampaign(other, known)?.id).toBe(7);
    expect(matchCampaign({ ...other, targets: ['se25'] }, known)).toBeUndefined();
    expect(matchCampaign({ ...other, handles: ['@someone_else'] }, known)).toBeUndefined();
  });
});
