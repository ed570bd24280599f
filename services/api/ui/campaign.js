// Campaigns: the list, and one campaign's page, its offers, calls and claims with the incidents reported on
// the ground that are linked to it, in time order. Post text and everything a report says (its excerpt,
// place names, its address) are written by others: text nodes only (dom.js), and a report's address becomes
// a link only when it is an http(s) URL.

import { askReason } from './desk.js';
import {
  $,
  api,
  canDecide,
  dayText,
  el,
  labelBadges,
  reasonFor,
  reportError,
  shortTime,
  state,
  status,
  timeEl,
  userName,
  words,
} from './dom.js';
import { exportEvidence } from './pages.js';

/** A campaign's offers, calls and claims, counted: the labels that flag a post. */
function labelCounts(counts) {
  return state.labels
    .filter((l) => l.flags)
    .map((l) => `${l.name}: ${counts?.[l.label] ?? 0}`)
    .join(' · ');
}

export async function loadCampaigns() {
  try {
    const { campaigns } = await api('/api/campaigns');
    $('campaign-list').replaceChildren(
      ...campaigns.map((c) =>
        el(
          'li',
          // The button is there for the keyboard; its click bubbles to the row, which a mouse may click anywhere.
          { 'data-id': String(c.id), onclick: () => openCampaign(c.id) },
          el('button', {
            type: 'button',
            class: 'link',
            text: `Campaign ${c.id}: ${c.itemCount} post${c.itemCount === 1 ? '' : 's'}`,
          }),
          el('span', { class: 'label-counts', text: ` · ${labelCounts(c.labelCounts)}` }),
          el('span', {
            text: ` · seen ${shortTime(c.firstSeenAt)} → ${shortTime(c.lastSeenAt)} · targets ${c.targets.join(', ') || '—'} · handles ${c.handles.join(', ') || '—'} · channels ${c.channels.join(', ')} · ${c.amounts.join(', ')}`,
          }),
        ),
      ),
    );
  } catch (err) {
    reportError(err);
  }
}

const OFFER_LABELS = ['bounty_offer', 'call_to_action'];
const isOffer = (item) => item.classification.labels.some((l) => OFFER_LABELS.includes(l));
const isClaim = (item) => !isOffer(item) && item.classification.labels.includes('claim');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The count that answers "has anyone acted on it?", as the evidence report gives it: offers (and calls) → claims → incidents. */
function courseCount(items, incidents) {
  return `${plural(items.filter(isOffer).length, 'offer')} → ${plural(items.filter(isClaim).length, 'claim')} → ${plural(incidents.length, 'incident')}`;
}

/** A report's address as a link only when it is a web address; anything else (javascript:, data:…) stays text. */
function reportLink(url) {
  if (!url) return el('p', { class: 'incident-report', text: 'Report: no address' });
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    return el('p', { class: 'incident-report', text: `Report address (not a web link, not opened): ${url}` });
  return el(
    'p',
    { class: 'incident-report' },
    el('a', {
      href: parsed.href,
      rel: 'noopener noreferrer',
      target: '_blank',
      text: `Read the report (${parsed.host})`,
    }),
  );
}

/** Who linked it: Vigil, or an analyst ("user:3"), whose own words come first among the reasons. */
const linkedBy = (by) =>
  by === 'auto' ? 'by Vigil' : `by ${/^user:\d+$/.test(by) ? userName(Number(by.slice(5))) : by}`;

/** One act reported on the ground: what, where, which day, the sentence it was read from, why it is linked, and its report. */
function incidentEntry(incident, campaignId) {
  const link = incident.links.find((l) => l.campaignId === campaignId);
  const place = incident.place ?? words(incident.placeType);
  const where = [incident.road, incident.town].filter(Boolean).join(', ');
  return el(
    'li',
    { class: 'incident', 'data-incident': String(incident.id) },
    el('time', { datetime: incident.occurredOn, text: dayText(incident.occurredOn) }),
    ' ',
    el('span', { class: 'incident-badge', text: 'Incident' }),
    el('span', {
      class: 'incident-what',
      text: ` ${words(incident.act)} · ${place}${where ? ` (${where})` : ''} · ${incident.postcodeDistrict ?? 'no postcode district'}${incident.dated ? '' : ' · day of publication'}`,
    }),
    el('blockquote', { class: 'excerpt-block incident-excerpt', text: incident.excerpt }),
    link
      ? el('p', {
          class: 'incident-reasons',
          text: `Linked ${linkedBy(link.linkedBy)}, score ${link.score}: ${link.reasons.join('; ')}`,
        })
      : null,
    reportLink(incident.url),
    canDecide() && link
      ? el(
          'p',
          { class: 'actions' },
          el('button', {
            type: 'button',
            text: 'Take this link away…',
            'aria-label': `Take this link away… (incident ${incident.id}, campaign ${campaignId})`,
            onclick: () => unlinkIncident(incident.id, campaignId),
          }),
        )
      : null,
  );
}

/** An analyst's judgement that an act is not this campaign's: the link goes, with a reason in the audit log; the incident stays. */
async function unlinkIncident(incidentId, campaignId) {
  const reason = await reasonFor(`Take incident ${incidentId} off campaign ${campaignId}`, 'Take the link away');
  if (!reason) return;
  try {
    await api(`/api/incidents/${incidentId}/links/${campaignId}`, { method: 'DELETE', body: { reason } });
    status(`Incident ${incidentId} is no longer linked to campaign ${campaignId}.`);
    await openCampaign(campaignId);
  } catch (err) {
    reportError(err);
  }
}

const postEntry = (item, when) =>
  el(
    'li',
    {},
    timeEl(when(item), { withAgo: false }),
    ' ',
    el('a', { href: `/ui/items/${item.id}`, text: `Item ${item.id}` }),
    el('span', { text: ` · ${item.status} · ${item.post.channelTitle ?? item.post.channel}: ` }),
    labelBadges(item.classification.labels),
    el('span', { text: ` ${item.post.text}` }),
  );

export async function openCampaign(id) {
  try {
    const c = await api(`/api/campaigns/${id}`);
    const undecided = c.items.filter((i) => i.status === 'new').length;
    // The timeline in the posts' own time, oldest first; an act known by its day alone comes at that day's end, as the linker counts it.
    const when = (i) => i.post.publishedAt ?? i.post.capturedAt;
    const items = [...c.items].sort((a, b) => when(a).localeCompare(when(b)));
    const incidents = c.incidents ?? [];
    const course = [
      ...items.map((i) => ({ at: when(i), node: () => postEntry(i, when) })),
      ...incidents.map((x) => ({ at: `${x.occurredOn}T23:59:59.999Z`, node: () => incidentEntry(x, c.id) })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    const d = $('campaign-detail');
    d.replaceChildren(
      el('h2', { text: `Campaign ${c.id} · timeline` }),
      el('p', { class: 'course-count', text: courseCount(items, incidents) }),
      el('p', { class: 'label-counts', text: labelCounts(c.labelCounts) }),
      el(
        'dl',
        { class: 'meta' },
        el('dt', { text: 'Posted' }),
        el(
          'dd',
          {},
          items.length ? timeEl(when(items[0]), { withAgo: false }) : '—',
          ' → ',
          items.length ? timeEl(when(items.at(-1))) : '—',
        ),
        el('dt', { text: 'Channels' }),
        el('dd', { text: perChannel(items) }),
        el('dt', { text: 'Targets' }),
        el('dd', { text: c.targets.join(', ') || '—' }),
        el('dt', { text: 'Amounts' }),
        el('dd', { text: c.amounts.join(', ') || '—' }),
        el('dt', { text: 'Handles' }),
        el('dd', { text: c.handles.join(', ') || '—' }),
        el('dt', { text: 'Incidents' }),
        el('dd', {
          text: incidents.length
            ? `${incidents.length} reported on the ground and linked (a lead, not proof)`
            : 'none linked',
        }),
      ),
      el(
        'p',
        {},
        el('a', { href: `/ui/?status=all&campaign=${c.id}`, text: `Show its ${c.itemCount} items in the queue` }),
      ),
      el(
        'p',
        { class: 'actions' },
        canDecide()
          ? el('button', {
              type: 'button',
              text: `Confirm all ${undecided} undecided`,
              disabled: undecided === 0,
              onclick: () => decideCampaign(c.id, 'confirm'),
            })
          : null,
        canDecide()
          ? el('button', {
              type: 'button',
              text: `Dismiss all ${undecided} undecided…`,
              disabled: undecided === 0,
              onclick: () => decideCampaign(c.id, 'dismiss'),
            })
          : null,
        canDecide()
          ? el('button', {
              type: 'button',
              text: 'Export campaign evidence',
              onclick: () => exportEvidence({ campaignId: c.id }),
            })
          : null,
      ),
      el(
        'ol',
        { class: 'timeline', 'aria-label': `Campaign ${c.id}: offers, claims and incidents in time order` },
        ...course.map((e) => e.node()),
      ),
    );
    d.hidden = false;
  } catch (err) {
    reportError(err);
  }
}

/** How many of the campaign's posts each channel carried, most first. */
function perChannel(items) {
  const counts = new Map();
  for (const i of items)
    counts.set(i.post.channelTitle ?? i.post.channel, (counts.get(i.post.channelTitle ?? i.post.channel) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} (${n})`)
    .join(', ');
}

async function decideCampaign(id, decision) {
  let reason;
  if (decision === 'dismiss') {
    reason = await askReason(`Dismiss every undecided item of campaign ${id}`, 'Dismiss all');
    if (!reason) return;
  }
  try {
    const { decided } = await api(`/api/campaigns/${id}/decision`, {
      method: 'POST',
      body: reason ? { decision, reason } : { decision },
    });
    status(
      `Campaign ${id}: ${decided.length} item${decided.length === 1 ? '' : 's'} ${decision === 'confirm' ? 'confirmed' : 'dismissed'}.`,
    );
    await openCampaign(id);
  } catch (err) {
    reportError(err);
  }
}
