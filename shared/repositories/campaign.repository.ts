import { sql, type Transaction } from 'kysely';
import { matchCampaign, simhash, type KnownCampaign } from '../campaign-match.js';
import type { Database } from '../db/database.js';
import type { FlaggedInput } from './review-item.repository.js';

const WINDOW_DAYS = 30;
const MAX_CANDIDATES = 5_000;

export interface CampaignOutcome {
  campaignId: number;
  /** The item repeats a campaign already known. */
  repeat: boolean;
  /** It names a target the campaign had not named before. */
  newTarget: boolean;
}

const lower = (xs: unknown[] | undefined) => [...new Set((xs ?? []).map((x) => String(x).toLowerCase()))];

function signals({ post, verdict }: FlaggedInput) {
  const e = verdict.entities as { postcodeDistricts?: string[]; places?: string[]; targets?: { text: string }[]; contacts?: string[]; paymentChannels?: string[]; amounts?: { text: string }[] };
  return {
    simhash: simhash(post.text),
    targets: lower([...(e.postcodeDistricts ?? []), ...(e.places ?? [])]),
    handles: lower([...(e.contacts ?? []).filter((c) => c.startsWith('@')), ...(e.paymentChannels ?? [])]),
    amounts: (e.amounts ?? []).map((a) => a.text),
    channel: `${post.platform}:${post.channel}`,
  };
}

/**
 * Puts each new review item in a campaign, in the transaction that creates it. A transaction lock
 * keeps two batches from founding the same campaign twice.
 */
export async function assignCampaigns(trx: Transaction<Database>, items: { reviewItemId: number; input: FlaggedInput }[]): Promise<Map<number, CampaignOutcome>> {
  const out = new Map<number, CampaignOutcome>();
  if (items.length === 0) return out;
  await sql`select pg_advisory_xact_lock(hashtext('vigil.campaign'))`.execute(trx);
  const rows = await trx
    .selectFrom('campaign')
    .select(['id', 'simhash', 'targets', 'handles'])
    .where('last_seen_at', '>', new Date(Date.now() - WINDOW_DAYS * 86_400_000))
    .orderBy('last_seen_at', 'desc')
    .limit(MAX_CANDIDATES)
    .execute();
  const known: KnownCampaign[] = rows.map((r) => ({ id: r.id, simhash: BigInt(`0x${r.simhash}`), targets: r.targets, handles: r.handles }));

  for (const { reviewItemId, input } of items) {
    const s = signals(input);
    const match = matchCampaign(s, known);
    if (match) {
      const newTargets = s.targets.filter((t) => !match.targets.includes(t));
      await trx
        .updateTable('campaign')
        .set((eb) => ({
          last_seen_at: new Date(),
          item_count: eb('item_count', '+', 1),
          channels: sql`array(select distinct unnest(channels || ${[s.channel]}::text[]))`,
          targets: sql`array(select distinct unnest(targets || ${s.targets}::text[]))`,
          amounts: sql`array(select distinct unnest(amounts || ${s.amounts}::text[]))`,
          handles: sql`array(select distinct unnest(handles || ${s.handles}::text[]))`,
        }))
        .where('id', '=', match.id)
        .execute();
      match.targets.push(...newTargets);
      match.handles.push(...s.handles.filter((h) => !match.handles.includes(h)));
      out.set(reviewItemId, { campaignId: match.id, repeat: true, newTarget: newTargets.length > 0 });
    } else {
      const created = await trx
        .insertInto('campaign')
        .values({ simhash: s.simhash.toString(16).padStart(16, '0'), item_count: 1, channels: [s.channel], targets: s.targets, amounts: s.amounts, handles: s.handles, last_seen_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      known.unshift({ id: created.id, simhash: s.simhash, targets: [...s.targets], handles: [...s.handles] });
      out.set(reviewItemId, { campaignId: created.id, repeat: false, newTarget: s.targets.length > 0 });
    }
    await trx.updateTable('review_item').set({ campaign_id: out.get(reviewItemId)!.campaignId }).where('id', '=', reviewItemId).execute();
  }
  return out;
}
