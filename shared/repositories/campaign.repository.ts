import { sql, type Kysely, type Transaction } from 'kysely';
import { matchCampaign, severityOnJoin, simhash, type KnownCampaign } from '../campaign-match.js';
import type { Database } from '../db/database.js';
import { LABELS, type Label, type Severity } from '../domain/verdict.js';
import { anyId } from './bind-limit.js';
import type { FlaggedInput } from './review-item.repository.js';

const WINDOW_DAYS = 30;
const MAX_CANDIDATES = 5_000;

export interface CampaignOutcome {
  campaignId: number;
  /** The item repeats a campaign already known. */
  repeat: boolean;
  /** It names a target the campaign had not named before. */
  newTarget: boolean;
  /** The item's severity in the campaign: raised to critical where an offer meets a claim. */
  severity: Severity;
  /** It gives the campaign its first offer-and-claim pair. */
  firstActedOn: boolean;
}

const lower = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase()))];

/** "@name" as written, or a t.me link to the same account as "@name"; undefined for "dm", "the bot" and the like. */
function account(contact: string): string | undefined {
  if (contact.startsWith('@')) return contact;
  const name = /^(?:https?:\/\/)?t\.me\/(?!joinchat\b)(\w{3,})/i.exec(contact)?.[1];
  return name ? `@${name}` : undefined;
}

function signals({ post, verdict, media }: FlaggedInput) {
  const e = verdict.entities;
  return {
    // An image's words count as the post's: a poster with no caption is its text.
    simhash: simhash([post.text, ...(media ?? []).map((m) => m.ocrText)].filter(Boolean).join('\n')),
    imageHashes: [...new Set((media ?? []).map((m) => m.phash))],
    targets: lower([...(e.postcodeDistricts ?? []), ...(e.places ?? [])]),
    handles: lower([...(e.contacts ?? []).flatMap((c) => account(c) ?? []), ...(e.paymentChannels ?? [])]),
    amounts: (e.amounts ?? []).map((a) => a.text),
    channel: `${post.platform}:${post.channel}`,
    labels: verdict.labels,
  };
}

type Signals = ReturnType<typeof signals>;

/** Campaigns seen within the window, most recent first: the candidates a new item may join. */
async function recentCampaigns(trx: Transaction<Database>): Promise<KnownCampaign[]> {
  const rows = await trx
    .selectFrom('campaign')
    .select(['id', 'simhash', 'targets', 'handles', 'labels', 'image_hashes'])
    .where('last_seen_at', '>', new Date(Date.now() - WINDOW_DAYS * 86_400_000))
    .orderBy('last_seen_at', 'desc')
    .limit(MAX_CANDIDATES)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    simhash: BigInt(`0x${r.simhash}`),
    targets: r.targets,
    handles: r.handles,
    labels: r.labels,
    imageHashes: r.image_hashes,
  }));
}

/** Adds the item's signals to the campaign it matched, in the row and in `match` for the rest of the batch. */
async function joinCampaign(
  trx: Transaction<Database>,
  match: KnownCampaign,
  s: Signals,
  input: FlaggedInput,
): Promise<CampaignOutcome> {
  const newTargets = s.targets.filter((t) => !match.targets.includes(t));
  const joined = severityOnJoin(input.verdict, match.labels);
  await trx
    .updateTable('campaign')
    .set((eb) => ({
      last_seen_at: new Date(),
      item_count: eb('item_count', '+', 1),
      channels: sql`array(select distinct unnest(channels || ${[s.channel]}::text[]))`,
      targets: sql`array(select distinct unnest(targets || ${s.targets}::text[]))`,
      amounts: sql`array(select distinct unnest(amounts || ${s.amounts}::text[]))`,
      handles: sql`array(select distinct unnest(handles || ${s.handles}::text[]))`,
      labels: sql`array(select distinct unnest(labels || ${s.labels}::text[]))`,
      image_hashes: sql`array(select distinct unnest(image_hashes || ${s.imageHashes}::text[]))`,
    }))
    .where('id', '=', match.id)
    .execute();
  match.targets.push(...newTargets);
  match.handles.push(...s.handles.filter((h) => !match.handles.includes(h)));
  match.labels.push(...s.labels.filter((l) => !match.labels.includes(l)));
  match.imageHashes = [...new Set([...(match.imageHashes ?? []), ...s.imageHashes])];
  return { campaignId: match.id, repeat: true, newTarget: newTargets.length > 0, ...joined };
}

/** Founds a campaign from the item, first among the candidates so later items of the batch can join it. */
async function foundCampaign(
  trx: Transaction<Database>,
  known: KnownCampaign[],
  s: Signals,
  input: FlaggedInput,
): Promise<CampaignOutcome> {
  const created = await trx
    .insertInto('campaign')
    .values({
      simhash: s.simhash.toString(16).padStart(16, '0'),
      item_count: 1,
      channels: [s.channel],
      targets: s.targets,
      amounts: s.amounts,
      handles: s.handles,
      labels: [...s.labels],
      image_hashes: s.imageHashes,
      last_seen_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  known.unshift({
    id: created.id,
    simhash: s.simhash,
    targets: [...s.targets],
    handles: [...s.handles],
    labels: [...s.labels],
    imageHashes: [...s.imageHashes],
  });
  return {
    campaignId: created.id,
    repeat: false,
    newTarget: s.targets.length > 0,
    severity: input.verdict.severity,
    firstActedOn: false,
  };
}

/**
 * Puts each new review item in a campaign, in the transaction that creates it. A transaction lock
 * keeps two batches from founding the same campaign twice.
 */
export async function assignCampaigns(
  trx: Transaction<Database>,
  items: { reviewItemId: number; input: FlaggedInput }[],
): Promise<Map<number, CampaignOutcome>> {
  const out = new Map<number, CampaignOutcome>();
  if (items.length === 0) return out;
  await sql`select pg_advisory_xact_lock(hashtext('vigil.campaign'))`.execute(trx);
  const known = await recentCampaigns(trx);

  for (const { reviewItemId, input } of items) {
    const s = signals(input);
    const match = matchCampaign(s, known);
    const outcome = match ? await joinCampaign(trx, match, s, input) : await foundCampaign(trx, known, s, input);
    out.set(reviewItemId, outcome);
    // The review item carries the campaign's view of it; the classification keeps what the classifier said of the post alone.
    const { campaignId, severity } = outcome;
    await trx
      .updateTable('review_item')
      .set({ campaign_id: campaignId, severity })
      .where('id', '=', reviewItemId)
      .execute();
  }
  return out;
}

type Executor = Kysely<Database> | Transaction<Database>;

/** A campaign with nothing in it yet: for benches that put generated items in one. */
export const insertEmptyCampaign = (db: Executor) =>
  db
    .insertInto('campaign')
    .values({ simhash: '0', channels: [], targets: [], amounts: [], handles: [], last_seen_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();

export const listCampaigns = (db: Executor, limit: number) =>
  db.selectFrom('campaign').selectAll().orderBy('last_seen_at', 'desc').limit(limit).execute();

export const findCampaign = (db: Executor, id: number) =>
  db.selectFrom('campaign').selectAll().where('id', '=', id).executeTakeFirst();

export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;
export type LabelCounts = Record<Label, number>;

// Spelled out so that a label added to LABELS without a count here is a compile error.
const noCounts = (): LabelCounts => ({ bounty_offer: 0, call_to_action: 0, claim: 0, target_info: 0, hate: 0 });
const isLabel = (s: string): s is Label => LABELS.some((l) => l === s);

/** How many of each campaign's review items carry each label: its offers, calls and claims. */
export async function campaignLabelCounts(db: Executor, campaignIds: number[]): Promise<Map<number, LabelCounts>> {
  const out = new Map(campaignIds.map((id) => [id, noCounts()]));
  if (campaignIds.length === 0) return out;
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('review_item')
        .innerJoin('classification', 'classification.id', 'review_item.classification_id')
        .select(['review_item.campaign_id', sql<string>`unnest(classification.labels)`.as('label')])
        .where('review_item.campaign_id', '=', anyId(campaignIds))
        .as('l'),
    )
    .select(['l.campaign_id', 'l.label', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['l.campaign_id', 'l.label'])
    .execute();
  for (const r of rows) {
    const counts = r.campaign_id === null ? undefined : out.get(r.campaign_id);
    // A label an older classifier used and the set no longer has is not counted.
    if (counts && isLabel(r.label)) counts[r.label] = r.n;
  }
  return out;
}
