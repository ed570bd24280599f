// The desk's other pages: near misses, campaigns, alerts, the watch-list, the audit log, and evidence export.

import { askReason } from './desk.js';
import { $, api, ask, canDecide, el, labelBadges, labelName, reportError, shortTime, state, status, timeEl } from './dom.js';

/** A campaign's offers, calls and claims, counted: the labels that flag a post. */
function labelCounts(counts) {
  return state.labels.filter((l) => l.flags).map((l) => `${l.name}: ${counts?.[l.label] ?? 0}`).join(' · ');
}

// ---- near misses -----------------------------------------------------------------------------

// The flag labels, in the order the API's FLAG_LABELS has them; their words come from /api/labels (labelName).
const FLAG_LABELS = ['bounty_offer', 'call_to_action', 'claim'];
const REASON_NAMES = { near_miss: 'near miss', uncovered_language: 'language not covered' };

export async function loadNearMisses() {
  try {
    const { nearMisses } = await api(`/api/near-misses?${$('near-miss-filter').value}&limit=200`);
    $('near-miss-list').replaceChildren(...nearMisses.map(renderNearMiss));
    if (nearMisses.length === 0) $('near-miss-list').replaceChildren(el('li', { text: 'Nothing here.' }));
  } catch (err) {
    reportError(err);
  }
}

/** One kept post: its text (a text node only), what the classifier scored, and the two calls an analyst can make. */
function renderNearMiss(n) {
  const scores = FLAG_LABELS.map((l) => `${labelName(l)} ${(n.classification.scores[l] ?? 0).toFixed(2)}`).join(' · ');
  const meta = `${REASON_NAMES[n.reason] ?? n.reason} · ${n.language} · ${n.post.platform} / ${n.post.channel} · posted ${shortTime(n.post.publishedAt)} · ${scores}`;
  const label = el('select', { 'aria-label': 'Which kind of incitement', class: 'nm-label' }, ...FLAG_LABELS.map((l) => el('option', { value: l, text: labelName(l) })));
  label.value = n.classification.suggestedLabel;
  const actions = n.decision
    ? el('p', { class: 'nm-decided', text: `Decided: ${n.decision === 'incitement' ? `incitement (${labelName(n.decidedLabel)})` : 'not incitement'}${n.decisionReason ? ` · ${n.decisionReason}` : ''}` })
    : el(
        'p',
        { class: 'nm-actions' },
        label,
        el('button', { type: 'button', class: 'nm-incitement', text: 'Incitement (offer/call/claim)', onclick: () => decideNearMiss(n.id, { decision: 'incitement', label: label.value }) }),
        el('button', { type: 'button', class: 'nm-not', text: 'Not', onclick: () => decideNearMiss(n.id, { decision: 'not' }) }),
      );
  return el('li', { 'data-id': String(n.id) }, el('p', { class: 'nm-meta', text: meta }), el('div', { class: 'post-text', text: n.post.text }), actions);
}

async function decideNearMiss(id, body) {
  try {
    await api(`/api/near-misses/${id}/decision`, { method: 'POST', body });
    status(`Near miss ${id}: ${body.decision === 'incitement' ? `incitement (${labelName(body.label)})` : 'not incitement'}`);
    loadNearMisses();
  } catch (err) {
    status(err.message, true);
  }
}

$('near-miss-filter').addEventListener('change', () => loadNearMisses());

// ---- evidence ----------------------------------------------------------------------------------

/** Streams a signed bundle and saves it; the export, its recipient and purpose go to the audit log. */
export async function exportEvidence(selection) {
  if (!canDecide()) return;
  const form = await ask('export-dialog');
  if (!form) return;
  try {
    const body = { ...selection, recipient: String(form.get('recipient')), purpose: String(form.get('purpose')) };
    const res = await fetch('/api/exports', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': state.csrf }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error((await res.json().catch(() => null))?.message ?? `HTTP ${res.status}`);
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', { href: url, download: `vigil-evidence-${new Date().toISOString().slice(0, 10)}.zip` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    status('Evidence bundle exported');
  } catch (err) {
    status(err.message, true);
  }
}

// ---- campaigns -------------------------------------------------------------------------------

export async function loadCampaigns() {
  try {
    const { campaigns } = await api('/api/campaigns');
    $('campaign-list').replaceChildren(
      ...campaigns.map((c) =>
        el(
          'li',
          // The button is there for the keyboard; its click bubbles to the row, which a mouse may click anywhere.
          { 'data-id': String(c.id), onclick: () => openCampaign(c.id) },
          el('button', { type: 'button', class: 'link', text: `Campaign ${c.id}: ${c.itemCount} post${c.itemCount === 1 ? '' : 's'}` }),
          el('span', { class: 'label-counts', text: ` · ${labelCounts(c.labelCounts)}` }),
          el('span', { text: ` · seen ${shortTime(c.firstSeenAt)} → ${shortTime(c.lastSeenAt)} · targets ${c.targets.join(', ') || '—'} · handles ${c.handles.join(', ') || '—'} · channels ${c.channels.join(', ')} · ${c.amounts.join(', ')}` }),
        ),
      ),
    );
  } catch (err) {
    reportError(err);
  }
}

export async function openCampaign(id) {
  try {
    const c = await api(`/api/campaigns/${id}`);
    const undecided = c.items.filter((i) => i.status === 'new').length;
    // The timeline in the posts' own time, oldest first.
    const when = (i) => i.post.publishedAt ?? i.post.capturedAt;
    const items = [...c.items].sort((a, b) => when(a).localeCompare(when(b)));
    const d = $('campaign-detail');
    d.replaceChildren(
      el('h2', { text: `Campaign ${c.id} · timeline` }),
      el('p', { class: 'label-counts', text: labelCounts(c.labelCounts) }),
      el(
        'dl',
        { class: 'meta' },
        el('dt', { text: 'Posted' }),
        el('dd', {}, items.length ? timeEl(when(items[0]), { withAgo: false }) : '—', ' → ', items.length ? timeEl(when(items.at(-1))) : '—'),
        el('dt', { text: 'Channels' }),
        el('dd', { text: perChannel(items) }),
        el('dt', { text: 'Targets' }),
        el('dd', { text: c.targets.join(', ') || '—' }),
        el('dt', { text: 'Amounts' }),
        el('dd', { text: c.amounts.join(', ') || '—' }),
        el('dt', { text: 'Handles' }),
        el('dd', { text: c.handles.join(', ') || '—' }),
      ),
      el('p', {}, el('a', { href: `/ui/?status=all&campaign=${c.id}`, text: `Show its ${c.itemCount} items in the queue` })),
      el(
        'p',
        { class: 'actions' },
        canDecide() ? el('button', { type: 'button', text: `Confirm all ${undecided} undecided`, disabled: undecided === 0, onclick: () => decideCampaign(c.id, 'confirm') }) : null,
        canDecide() ? el('button', { type: 'button', text: `Dismiss all ${undecided} undecided…`, disabled: undecided === 0, onclick: () => decideCampaign(c.id, 'dismiss') }) : null,
        canDecide() ? el('button', { type: 'button', text: 'Export campaign evidence', onclick: () => exportEvidence({ campaignId: c.id }) }) : null,
      ),
      el(
        'ol',
        { class: 'timeline' },
        ...items.map((item) =>
          el('li', {}, timeEl(when(item), { withAgo: false }), ' ', el('a', { href: `/ui/items/${item.id}`, text: `Item ${item.id}` }), el('span', { text: ` · ${item.status} · ${item.post.channelTitle ?? item.post.channel}: ` }), labelBadges(item.classification.labels), el('span', { text: ` ${item.post.text}` })),
        ),
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
  for (const i of items) counts.set(i.post.channelTitle ?? i.post.channel, (counts.get(i.post.channelTitle ?? i.post.channel) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} (${n})`).join(', ');
}

async function decideCampaign(id, decision) {
  let reason;
  if (decision === 'dismiss') {
    reason = await askReason(`Dismiss every undecided item of campaign ${id}`, 'Dismiss all');
    if (!reason) return;
  }
  try {
    const { decided } = await api(`/api/campaigns/${id}/decision`, { method: 'POST', body: reason ? { decision, reason } : { decision } });
    status(`Campaign ${id}: ${decided.length} item${decided.length === 1 ? '' : 's'} ${decision === 'confirm' ? 'confirmed' : 'dismissed'}.`);
    await openCampaign(id);
  } catch (err) {
    reportError(err);
  }
}

// ---- alerts, sources, audit ------------------------------------------------------------------

export async function loadAlerts() {
  try {
    const { alerts } = await api('/api/alerts?limit=100');
    $('alert-list').replaceChildren(
      ...alerts.map((a) =>
        el(
          'li',
          { 'data-id': String(a.id) },
          el(
            'p',
            { class: 'alert-head' },
            el('span', { class: `sev sev-${a.severity}`, text: a.severity }),
            ' ',
            el('a', { href: `/ui/items/${a.reviewItemId}`, text: `Item ${a.reviewItemId}` }),
            el('span', { text: ` · ${a.postChannelTitle ?? a.postChannel} · item ${a.itemStatus}` }),
          ),
          el('p', { class: 'excerpt-block', text: a.excerpt }),
          el(
            'p',
            { class: 'alert-meta' },
            el('span', { text: `Alert #${a.id} by ${a.channel}${a.tier ? ` (escalation tier ${a.tier})` : ''} · ${a.status} ${shortTime(a.sentAt ?? a.createdAt)} · ` }),
            a.acknowledgedAt
              ? el('span', { class: 'acked', text: `acknowledged by ${a.acknowledgedVia} ${shortTime(a.acknowledgedAt)}` })
              : el('button', { type: 'button', text: 'Acknowledge', 'aria-label': `Acknowledge alert ${a.id} for item ${a.reviewItemId}`, onclick: () => ackAlert(a.id) }),
          ),
        ),
      ),
    );
    if (alerts.length === 0) $('alert-list').replaceChildren(el('li', { text: 'No alerts.' }));
  } catch (err) {
    reportError(err);
  }
}

async function ackAlert(id) {
  try {
    await api(`/api/alerts/${id}/ack`, { method: 'POST' });
    status(`Alert ${id} acknowledged.`);
  } catch (err) {
    reportError(err);
  }
  await loadAlerts();
}

export async function loadAudit() {
  try {
    const { entries } = await api('/api/audit?limit=200');
    $('audit-list').replaceChildren(...entries.map((e) => el('li', {}, timeEl(e.at, { withAgo: false }), ` ${e.actor} ${e.action} ${e.entity} ${e.entityId ?? ''}`)));
  } catch (err) {
    if (err.status === 403) $('audit-list').replaceChildren(el('li', { class: 'error', text: 'Not allowed for your role: the audit log is for auditors.' }));
    else reportError(err);
  }
}
