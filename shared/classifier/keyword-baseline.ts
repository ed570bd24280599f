import type { Label, RationaleSpan, Severity, Verdict } from '../domain/verdict.js';
import { normalize, originalSpan } from './normalize.js';

/**
 * The plain keyword baseline that `vigil eval` compares the real classifier against: money + act +
 * target + an offer word, vetoed by a list of reporting words. It was Vigil's first classifier.
 */
export const BASELINE_VERSION = 'keywords-0.1.0';

const FEATURES = {
  money:
    /(?:[£$€]\s?\d[\d,.]*\s?k?\b|\b\d[\d,.]*\s?k?\s?(?:quid|pounds?|gbp|usd|usdt|eur|euros?|dollars?|btc)\b|\b(?:a|one)\s+(?:ton|monkey|pony|grand)\b|\bton (?:for|to) (?:anyone|whoever|every|each)\b|\bin\s+(?:btc|crypto|usdt)\b|💷|💰|💵|🤑)/gu,
  offer:
    /\b(?:pay(?:s|ing)?|gets? paid|reward|bounty|cash|offer(?:ing)?|earn|(?:for|to) (?:anyone|whoever|every|each)|whoever|each|per (?:window|wall|tag))\b/gu,
  act: /\b(?:spray(?:ed|ing|s)?|tag(?:ged|ging)?|daub(?:ed|ing|s)?|paint(?:ed|ing|s)?|graffiti|smash(?:ed|ing)?|(?:put (?:the |their )?)?windows? (?:put )?in|burn(?:ed|ing|t)?|torch(?:es|ed|ing)?|stickers?|stencil(?:led|s)?|wreck(?:ed|ing)?|vandali[sz]e|pig'?s head|bricks?)\b|🔥|🎨|🧱/gu,
  target:
    /\b(?:mosques?|masjids?|islamic cent(?:re|er)s?|synagogues?|gurdwaras?|temples?|churche?s?|schools?|asylum hotels?|refugee cent(?:re|er)s?|hostels?)\b|🕌|🕍|⛪/gu,
  proof: /\b(?:send (?:a |us )?(?:pic|photo|video)s?|(?:video|photo) proof|proof|pics or it didn'?t happen)\b/gu,
  contact: /(?:@[a-z0-9_]{4,}|\bdm\b|\bmessage the admin\b|\bpayment bot\b)/gu,
  call: /\b(?:go and|someone (?:needs|should) to|who'?s up for|tonight|bring bricks|let'?s|get down (?:to|there))\b/gu,
  reported:
    /\b(?:said|says|reportedly|was offering|were offering|court heard|detectives|police|according to|investigat\w*|report (?:it|this)|condemn\w*|appeal\w*|101|crimestoppers|reward for information|information leading|fundrais\w*|donat\w*|repairs?)\b/gu,
} as const;
type Feature = keyof typeof FEATURES;

// Postcode districts are matched on the original text: upper case is what makes "E10" a district.
const POSTCODE_DISTRICT = /\b(?:[A-Z]{1,2}[0-9][0-9A-Z]?)(?:\s[0-9][A-Z]{2})?\b/g;

function findAll(pattern: RegExp, text: string): { start: number; end: number }[] {
  return [...text.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

export function classifyByKeywords(text: string): Verdict {
  const norm = normalize(text);
  const rationale: RationaleSpan[] = [];
  const hits = {} as Record<Feature, number>;
  for (const feature of Object.keys(FEATURES) as Feature[]) {
    const spans = findAll(FEATURES[feature], norm.text);
    hits[feature] = spans.length;
    for (const s of spans) {
      const o = originalSpan(norm, text, s.start, s.end);
      rationale.push({ feature, start: o.start, end: o.end, text: text.slice(o.start, o.end) });
    }
  }
  const postcodes = findAll(POSTCODE_DISTRICT, text).map((s) => ({
    feature: 'postcode',
    ...s,
    text: text.slice(s.start, s.end),
  }));
  rationale.push(...postcodes);

  const reported = hits.reported > 0;
  const hasTarget = hits.target > 0 || postcodes.length > 0;
  const bounty = !reported && hits.money > 0 && hits.act > 0 && (hits.offer > 0 || hits.proof > 0) && hasTarget;
  const call = !reported && !bounty && hits.act > 0 && hits.target > 0 && hits.call > 0;

  const scores: Record<Label, number> = {
    bounty_offer: bounty ? 0.9 : hits.money && hits.act ? 0.3 : 0.01,
    call_to_action: call ? 0.8 : hits.act && hits.call ? 0.3 : 0.01,
    claim: 0.01,
    target_info: hasTarget ? 0.9 : 0.01,
    hate: 0.01,
  };
  const labels: Label[] = [];
  if (bounty) labels.push('bounty_offer');
  if (call) labels.push('call_to_action');
  if (hasTarget) labels.push('target_info');

  let severity: Severity = 'low';
  if (bounty) severity = postcodes.length > 0 || hits.proof > 0 ? 'critical' : 'high';
  else if (call) severity = postcodes.length > 0 ? 'high' : 'medium';

  rationale.sort((a, b) => a.start - b.start || a.end - b.end);
  return {
    classifier: BASELINE_VERSION,
    flagged: bounty || call,
    labels,
    scores,
    severity,
    rationale,
    entities: { postcodeDistricts: [...new Set(postcodes.map((p) => p.text.split(' ')[0] ?? p.text))] },
    language: 'en',
    languageCovered: true,
    nearMiss: false,
  };
}
