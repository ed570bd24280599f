import escapeHtml from 'escape-html';
import { labelNames } from '../domain/label-names.js';
import type { RationaleSpan } from '../domain/verdict.js';
import type { CampaignIncident, Evidence } from '../repositories/evidence.repository.js';

/** The report's whole style: inline, because a bundle opens offline and loads nothing from anywhere. */
const STYLE = `body{font:14px/1.45 Georgia,serif;max-width:60rem;margin:2rem auto;color:#111}h1{font-size:1.4rem}h2{font-size:1.1rem;border-top:1px solid #999;padding-top:1rem}
.meta{color:#444;font-size:.9rem}.text{white-space:pre-wrap;border-left:3px solid #333;padding-left:.8rem}mark{background:#ffe38a}.hash{font-family:monospace;font-size:.8rem;word-break:break-all}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2rem .4rem;text-align:left;font-size:.9rem}`;

export function reportHead(meta: {
  bundleId: string;
  createdAt: string;
  createdBy: string;
  recipient: string;
  purpose: string;
  items: number;
}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>Vigil evidence bundle ${escapeHtml(meta.bundleId)}</title><style>${STYLE}</style></head><body>
<h1>Vigil evidence bundle</h1>
<p class="meta">Bundle ${escapeHtml(meta.bundleId)} · created ${escapeHtml(meta.createdAt)} by ${escapeHtml(meta.createdBy)} · for ${escapeHtml(meta.recipient)} · purpose: ${escapeHtml(meta.purpose)} · ${meta.items} item(s).
Times are UTC. Every file of this bundle, with its SHA-256, is listed in manifest.json, which is signed (manifest.sig); VERIFY.md tells how to check them with standard tools.</p>
<h2>Timeline</h2><table><tr><th>Posted</th><th>Captured</th><th>Channel</th><th>Item</th><th>Severity</th><th>Labels</th></tr>
`;
}

export const timelineRow = (e: Evidence) => {
  const first = e.versions[0];
  return `<tr><td>${escapeHtml(first?.published_at?.toISOString() ?? 'unknown')}</td><td>${escapeHtml(first?.captured_at.toISOString() ?? '')}</td><td>${escapeHtml(`${e.item.post.platform}/${e.item.post.channel}`)}</td><td><a href="#item-${e.item.id}">${e.item.id}</a></td><td>${escapeHtml(e.item.severity)}</td><td>${escapeHtml(labelNames(e.item.classification.labels))}</td></tr>\n`;
};

export const timelineEnd = () => '</table>\n';

type MarkableSpan = Pick<RationaleSpan, 'feature' | 'start' | 'end' | 'image'>;

/**
 * Text with the rationale spans `keep` chooses marked, every piece escaped, spans applied on the text they
 * point into: the post's own (no image) or one image's OCR text.
 */
export function highlighted(
  text: string,
  rationale: readonly MarkableSpan[],
  keep: (r: MarkableSpan) => boolean = (r) => !r.image,
): string {
  const spans = rationale
    .filter((r) => keep(r) && !r.feature.startsWith('segment:') && r.end > r.start && r.end <= text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  for (const r of spans) {
    if (r.start < pos) continue;
    out += `${escapeHtml(text.slice(pos, r.start))}<mark title="${escapeHtml(r.feature)}">${escapeHtml(text.slice(r.start, r.end))}</mark>`;
    pos = r.end;
  }
  return out + escapeHtml(text.slice(pos));
}

export function itemSection(e: Evidence, files: { path: string; sha256: string }[], images = ''): string {
  const { item } = e;
  const { post, classification: c } = item;
  const versions = e.versions
    .map(
      (v) => `<h3>Version ${v.version}${v.edited_at ? ` (edited ${escapeHtml(v.edited_at.toISOString())})` : ''}</h3>
<p class="meta">Source: ${escapeHtml(v.url ?? 'no URL')} · fetched ${escapeHtml(v.captured_at.toISOString())} from ${escapeHtml(v.capture.url)} · author ${escapeHtml(v.author ?? 'unknown')}</p>
<div class="text">${v.version === e.versions.at(-1)?.version ? highlighted(v.text, c.rationale) : escapeHtml(v.text)}</div>
<p class="hash">SHA-256 of the captured bytes: ${escapeHtml(v.raw_sha256)}</p>`,
    )
    .join('\n');
  return `<h2 id="item-${item.id}">Item ${item.id} · ${escapeHtml(item.severity)} · ${escapeHtml(labelNames(c.labels))}</h2>
<p class="meta">${escapeHtml(`${post.platform}/${post.channel}`)}${post.channelTitle ? ` (${escapeHtml(post.channelTitle)})` : ''} · external id ${escapeHtml(post.externalId)} · classifier ${escapeHtml(c.classifier)}${c.severity !== item.severity ? ` (it rated the post alone ${escapeHtml(c.severity)}; ${escapeHtml(item.severity)} comes from the campaign the item joined)` : ''} · review status ${escapeHtml(item.status)}${e.decidedBy ? ` by ${escapeHtml(e.decidedBy)} at ${escapeHtml(item.decidedAt?.toISOString() ?? '')}` : ''}${item.decisionReason ? ` (“${escapeHtml(item.decisionReason)}”)` : ''}</p>
${e.deletedAt ? `<p><strong>Deleted at the source:</strong> found gone at ${escapeHtml(e.deletedAt.toISOString())}.</p>` : ''}
${versions}
${images}${e.notes.length ? `<h3>Analysts' notes</h3><ul>${e.notes.map((n) => `<li>${escapeHtml(n.created_at.toISOString())} ${escapeHtml(n.author)}: ${escapeHtml(n.text)}</li>`).join('')}</ul>` : ''}
<details><summary>Files</summary><ul>${files.map((f) => `<li class="hash">${escapeHtml(f.path)} ${f.sha256}</li>`).join('')}</ul></details>
`;
}

export const reportFoot = (fingerprint: string) =>
  `<h2>Signature</h2><p class="hash">manifest.json is signed with Ed25519; public key fingerprint (SHA-256 of its DER): ${fingerprint}</p></body></html>\n`;

/** One line of the campaign's course from offer to act: a post of it, or an act reported on the ground. */
export interface ActRow {
  /** When, for ordering: a post's time; an act known by its day alone sorts at that day's end, as the linker counts it. */
  at: string;
  kind: 'offer' | 'claim' | 'incident';
  html: string;
}

const OFFER_LABELS = ['bounty_offer', 'call_to_action'];

/** An offer (or call) or a claim of the campaign as a line of its course; undefined for its other posts. */
export function postAct(e: Evidence): ActRow | undefined {
  const { labels } = e.item.classification;
  const kind = labels.some((l) => OFFER_LABELS.includes(l)) ? 'offer' : labels.includes('claim') ? 'claim' : undefined;
  const first = e.versions[0];
  if (!kind || !first) return undefined;
  const at = (first.published_at ?? first.captured_at).toISOString();
  return {
    at,
    kind,
    html: `<tr><td>${escapeHtml(at)}</td><td>${escapeHtml(labelNames(labels))}</td><td>${escapeHtml(`${e.item.post.platform}/${e.item.post.channel}`)}</td><td><a href="#item-${e.item.id}">Item ${e.item.id}</a></td></tr>\n`,
  };
}

const placeOf = (i: CampaignIncident) =>
  [i.place_name ?? i.place_type.replace('_', ' '), i.road, i.town, i.postcode_district].filter(Boolean).join(', ');
const actWords = (i: CampaignIncident) => i.act.replaceAll('_', ' ');
const dayOf = (i: CampaignIncident) => `${i.occurred_on}${i.dated ? '' : ' (day of publication)'}`;

export const incidentAct = (i: CampaignIncident): ActRow => ({
  at: `${i.occurred_on}T23:59:59.999Z`,
  kind: 'incident',
  html: `<tr><td>${escapeHtml(dayOf(i))}</td><td>incident: ${escapeHtml(actWords(i))}</td><td>${escapeHtml(placeOf(i))}</td><td><a href="#incident-${i.id}">Incident ${i.id}</a></td></tr>\n`,
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The campaign's course in time order, with the count that answers "has anyone acted on it?". */
export function actTimeline(rows: ActRow[]): string {
  const count = (kind: ActRow['kind']) => rows.filter((r) => r.kind === kind).length;
  const sorted = [...rows].sort((a, b) => a.at.localeCompare(b.at));
  return `<h2>From offer to act</h2>
<p><strong>${plural(count('offer'), 'offer')} → ${plural(count('claim'), 'claim')} → ${plural(count('incident'), 'incident')}</strong></p>
<p class="meta">Offers count offers and calls to act. Incidents are acts reported on the ground (news, police statements) that Vigil or an analyst linked to this campaign by place, kind of target and time; each gives its reasons below. A link is a lead, not proof that the offer caused the act.</p>
${count('incident') === 0 ? '<p>No incident reported on the ground is linked to this campaign.</p>\n' : ''}<table><tr><th>When</th><th>What</th><th>Where</th><th>Entry</th></tr>
${sorted.map((r) => r.html).join('')}</table>
`;
}

/** One incident report: where it was published, each incident read from it with why it is linked, and its files. */
export function incidentReportSection(
  incidents: CampaignIncident[],
  files: { path: string; sha256: string }[],
): string {
  const r = incidents[0]!;
  const each = incidents
    .map(
      (
        i,
      ) => `<h3 id="incident-${i.id}">Incident ${i.id} · ${escapeHtml(actWords(i))} · ${escapeHtml(placeOf(i))} · ${escapeHtml(dayOf(i))}</h3>
<div class="text">${escapeHtml(r.text.slice(i.span_start, i.span_end))}</div>
<p class="meta">Linked by ${escapeHtml(i.linked_by === 'auto' ? 'Vigil (automatically)' : i.linked_by)} at ${escapeHtml(i.linked_at.toISOString())}, score ${i.score}: ${escapeHtml(i.reasons.join('; '))}</p>`,
    )
    .join('\n');
  return `<h2 id="incident-report-${r.report_id}">Incident report ${r.report_id}</h2>
<p class="meta">Source: ${escapeHtml(r.url ?? 'no URL')} · ${escapeHtml(`${r.platform}/${r.channel}`)} (${escapeHtml(r.source)}) · published ${escapeHtml(r.published_at?.toISOString() ?? 'unknown')} · captured ${escapeHtml(r.captured_at.toISOString())}</p>
${each}
<p class="hash">SHA-256 of the captured bytes: ${escapeHtml(r.raw_sha256)}</p>
<details><summary>Files</summary><ul>${files.map((f) => `<li class="hash">${escapeHtml(f.path)} ${f.sha256}</li>`).join('')}</ul></details>
`;
}
