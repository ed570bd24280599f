// The desk's other pages: near misses, alerts, the audit log, and evidence export (campaigns: campaign.js).

import { $, api, ask, canDecide, el, labelName, reportError, shortTime, state, status, timeEl } from './dom.js';

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
  const label = el(
    'select',
    { 'aria-label': 'Which kind of incitement', class: 'nm-label' },
    ...FLAG_LABELS.map((l) => el('option', { value: l, text: labelName(l) })),
  );
  label.value = n.classification.suggestedLabel;
  const actions = n.decision
    ? el('p', {
        class: 'nm-decided',
        text: `Decided: ${n.decision === 'incitement' ? `incitement (${labelName(n.decidedLabel)})` : 'not incitement'}${n.decisionReason ? ` · ${n.decisionReason}` : ''}`,
      })
    : el(
        'p',
        { class: 'nm-actions' },
        label,
        el('button', {
          type: 'button',
          class: 'nm-incitement',
          text: 'Incitement (offer/call/claim)',
          onclick: () => decideNearMiss(n.id, { decision: 'incitement', label: label.value }),
        }),
        el('button', {
          type: 'button',
          class: 'nm-not',
          text: 'Not',
          onclick: () => decideNearMiss(n.id, { decision: 'not' }),
        }),
      );
  return el(
    'li',
    { 'data-id': String(n.id) },
    el('p', { class: 'nm-meta', text: meta }),
    el('div', { class: 'post-text', text: n.post.text }),
    actions,
  );
}

async function decideNearMiss(id, body) {
  try {
    await api(`/api/near-misses/${id}/decision`, { method: 'POST', body });
    status(
      `Near miss ${id}: ${body.decision === 'incitement' ? `incitement (${labelName(body.label)})` : 'not incitement'}`,
    );
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
    const res = await fetch('/api/exports', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': state.csrf },
      body: JSON.stringify(body),
    });
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
            el('span', {
              text: `Alert #${a.id} by ${a.channel}${a.tier ? ` (escalation tier ${a.tier})` : ''} · ${a.status} ${shortTime(a.sentAt ?? a.createdAt)} · `,
            }),
            a.acknowledgedAt
              ? el('span', {
                  class: 'acked',
                  text: `acknowledged by ${a.acknowledgedVia} ${shortTime(a.acknowledgedAt)}`,
                })
              : el('button', {
                  type: 'button',
                  text: 'Acknowledge',
                  'aria-label': `Acknowledge alert ${a.id} for item ${a.reviewItemId}`,
                  onclick: () => ackAlert(a.id),
                }),
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
    $('audit-list').replaceChildren(
      ...entries.map((e) =>
        el('li', {}, timeEl(e.at, { withAgo: false }), ` ${e.actor} ${e.action} ${e.entity} ${e.entityId ?? ''}`),
      ),
    );
  } catch (err) {
    if (err.status === 403)
      $('audit-list').replaceChildren(
        el('li', { class: 'error', text: 'Not allowed for your role: the audit log is for auditors.' }),
      );
    else reportError(err);
  }
}
