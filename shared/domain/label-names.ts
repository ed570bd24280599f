import type { Label } from './verdict.js';

/** Each label in an analyst's words: what the desk, the alerts and the evidence report print. */
export const LABEL_NAMES: Record<Label, string> = {
  bounty_offer: 'Bounty offer',
  call_to_action: 'Call to action',
  claim: 'Claim of an act',
  target_info: 'Target named',
  hate: 'Hate',
};

const byLabel = new Map<string, string>(Object.entries(LABEL_NAMES));

/** Rows classified by an older classifier may hold a label no longer in the set: it prints as stored. */
export const labelName = (label: string): string => byLabel.get(label) ?? label;

export const labelNames = (labels: readonly string[]): string => labels.map(labelName).join(', ');
