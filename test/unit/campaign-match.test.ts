import { describe, expect, it } from 'vitest';
import {
  hammingDistance,
  matchCampaign,
  NEAR_DUPLICATE_BITS,
  severityOnJoin,
  simhash,
  type KnownCampaign,
} from '../../shared/campaign-match.js';

const OFFER =
  '£100 to anyone who sprays the mosque on Leyton High Road E10 tonight. Send a pic to @payday_admin and you get paid same day.';

describe('campaign matching', () => {
  it('gives a repost with small edits or evasions a near-identical SimHash, and other posts a distant one', () => {
    const base = simhash(OFFER);
    expect(hammingDistance(base, simhash(OFFER))).toBe(0);
    expect(hammingDistance(base, simhash(OFFER.replace('tonight', 'this evening')))).toBeLessThanOrEqual(
      NEAR_DUPLICATE_BITS,
    );
    expect(
      hammingDistance(base, simhash(OFFER.replace('mosque', 'm0sque').replace('£100', '£1OO'))),
    ).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    expect(
      hammingDistance(
        base,
        simhash(
          'Paying a ton in BTC for every window put in at the Islamic centre in SE25. Video proof or no payment.',
        ),
      ),
    ).toBeGreaterThan(NEAR_DUPLICATE_BITS);
    expect(
      hammingDistance(base, simhash('Morning all, bins are late again on our road, anyone know why?')),
    ).toBeGreaterThan(NEAR_DUPLICATE_BITS);
  });

  it('joins a differently worded offer by its payment handle and a target the campaign named', () => {
    const known = [
      {
        id: 7,
        simhash: simhash(OFFER),
        targets: ['e10'],
        handles: ['@payday_admin'],
        labels: ['bounty_offer', 'target_info'],
      },
    ];
    const other = {
      simhash: simhash('New job, same deal: paint the Leyton masjid, pics to the usual admin'),
      targets: ['e10'],
      handles: ['@payday_admin'],
      labels: ['bounty_offer'],
    };
    expect(matchCampaign(other, known)?.id).toBe(7);
    expect(matchCampaign({ ...other, targets: ['se25'] }, known)).toBeUndefined();
    expect(matchCampaign({ ...other, handles: ['@someone_else'] }, known)).toBeUndefined();
  });

  describe('a claim of an act', () => {
    const CLAIM = "Done the one on Green Street, video sent to @payday_admin, where's my £200";
    const offerCampaign: KnownCampaign = {
      id: 7,
      simhash: simhash(OFFER),
      targets: ['e10', 'leyton high road'],
      handles: ['@payday_admin'],
      labels: ['bounty_offer', 'target_info'],
    };
    const claim = { simhash: simhash(CLAIM), targets: ['green street'], handles: ['@payday_admin'], labels: ['claim'] };

    it('joins the campaign whose account it reports to, with no target in common', () => {
      expect(matchCampaign(claim, [offerCampaign])?.id).toBe(7);
      expect(matchCampaign({ ...claim, targets: [] }, [offerCampaign])?.id).toBe(7);
      expect(matchCampaign({ ...claim, handles: ['@someone_else'] }, [offerCampaign])).toBeUndefined();
    });

    it('does not join by a generic payment word, and an offer does not join by handle alone', () => {
      const btc = { ...offerCampaign, handles: ['btc'] };
      expect(matchCampaign({ ...claim, handles: ['btc'] }, [btc])).toBeUndefined();
      expect(matchCampaign({ ...claim, labels: ['bounty_offer'] }, [offerCampaign])).toBeUndefined();
    });

    it('prefers, among campaigns sharing the account, one that holds an offer', () => {
      const claimsOnly: KnownCampaign = {
        id: 9,
        simhash: simhash('Sorted the school in E15, pics to @payday_admin'),
        targets: ['e15'],
        handles: ['@payday_admin'],
        labels: ['claim'],
      };
      expect(matchCampaign(claim, [claimsOnly, offerCampaign])?.id).toBe(7);
      expect(matchCampaign(claim, [claimsOnly])?.id).toBe(9);
    });

    it('still joins a near-identical claim, or one naming a handle and target the campaign named, first', () => {
      const earlier: KnownCampaign = {
        id: 3,
        simhash: simhash(CLAIM),
        targets: ['green street'],
        handles: ['@other_admin'],
        labels: ['claim'],
      };
      expect(
        matchCampaign({ ...claim, simhash: simhash(CLAIM.replace('£200', '£250')) }, [offerCampaign, earlier])?.id,
      ).toBe(3);
      const byTarget: KnownCampaign = {
        ...offerCampaign,
        id: 4,
        simhash: simhash('unrelated words about something else entirely here'),
        targets: ['green street'],
        labels: ['call_to_action'],
      };
      expect(matchCampaign(claim, [offerCampaign, byTarget])?.id).toBe(4);
    });
  });

  describe('severity on joining', () => {
    it('makes a claim joining a campaign with an offer critical, and an offer joining one with a claim', () => {
      expect(severityOnJoin({ severity: 'medium', labels: ['claim'] }, ['bounty_offer', 'target_info'])).toEqual({
        severity: 'critical',
        firstActedOn: true,
      });
      expect(severityOnJoin({ severity: 'high', labels: ['bounty_offer', 'target_info'] }, ['claim'])).toEqual({
        severity: 'critical',
        firstActedOn: true,
      });
    });

    it('leaves other joins as the classifier rated them', () => {
      expect(severityOnJoin({ severity: 'medium', labels: ['claim'] }, ['call_to_action', 'claim'])).toEqual({
        severity: 'medium',
        firstActedOn: false,
      });
      expect(severityOnJoin({ severity: 'high', labels: ['bounty_offer'] }, ['bounty_offer'])).toEqual({
        severity: 'high',
        firstActedOn: false,
      });
      expect(severityOnJoin({ severity: 'low', labels: ['call_to_action'] }, ['bounty_offer', 'claim'])).toEqual({
        severity: 'low',
        firstActedOn: false,
      });
    });

    it('keeps a further claim critical, but only the first offer-and-claim pair is new', () => {
      expect(severityOnJoin({ severity: 'medium', labels: ['claim'] }, ['bounty_offer', 'claim'])).toEqual({
        severity: 'critical',
        firstActedOn: false,
      });
    });
  });
});
