// Vigil review desk. Post text is attacker-controlled: it only ever reaches the page through
// textContent and text nodes, never innerHTML; the page's CSP allows no inline script or style.

const $ = (id) => document.getElementById(id);
const state = { user: null, csrf: null, items: [], selected: 0, view: 'queue', labels: [] };

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function status(message, error = false) {
  const s = $('status');
  s.textContent = message;
  s.className = error ? 'error' : '';
}

async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && path !== '/api/login') {
    showLogin();
    throw new Error('signed out');
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(data?.message ?? `HTTP ${res.status}`), { status: res.status });
  return data;
}

function show(view) {
  state.view = view;
  for (const id of ['login', 'queue', 'near-misses', 'campaigns', 'alerts', 'sources', 'audit']) $(id).hidden = id !== view;
  for (const b of document.querySelectorAll('nav button[data-view]')) b.classList.toggle('active', b.dataset.view === view);
  if (view === 'queue') loadQueue();
  if (view === 'near-misses') loadNearMisses();
  if (view === 'campaigns') loadCampaigns();
  if (view === 'alerts') loadAlerts();
  if (view === 'sources') loadSources();
  if (view === 'audit') loadAudit();
}

function showLogin() {
  state.user = null;
  $('nav').hidden = true;
  show('login');
}

function signedIn(user, csrf) {
  state.user = user;
  state.csrf = csrf;
  $('whoami').textContent = `${user.email} (${user.role})`;
  $('nav').hidden = false;
  loadLabels().then(() => state.user && show('queue'));
}

// ---- labels --------------------------------------------------------------------------------

/** The label set in words, from the API, so the desk names labels as the alerts and evidence bundles do. */
async function loadLabels() {
  try {
    state.labels = (await api('/api/labels')).labels;
  } catch (err) {
    // Without the words the desk still works: labels then show as stored.
    if (err.message !== 'signed out') status(err.message, true);
  }
  const filter = $('label-filter');
  const chosen = filter.value;
  filter.replaceChildren(el('option', { value: '', text: 'every label' }), ...state.labels.map((l) => el('option', { value: l.label, text: l.name })));
  filter.value = chosen;
}

const labelName = (label) => state.labels.find((l) => l.label === label)?.name ?? label;

/** One badge per label, coloured by label (app.css), worded for people. */
function labelBadges(labels) {
  return el('span', { class: 'labels' }, ...labels.map((l) => el('span', { class: `label label-${l.replace(/[^\w-]/g, '_')}`, text: labelName(l) })));
}

/** A campaign's offers, calls and claims, counted: the labels that flag a post. */
function labelCounts(counts) {
  const flagging = state.labels.filter((l) => l.flags);
  return flagging.map((l) => `${l.name}: ${counts?.[l.label] ?? 0}`).join(' · ');
}

// ---- queue -------------------------------------------------------------------------------

async function loadQueue() {
  try {
    const label = $('label-filter').value;
    const { items } = await api(`/api/items?status=new&limit=200${label ? `&label=${encodeURIComponent(label)}` : ''}`);
    const selectedId = state.items[state.selected]?.id;
    state.items = items;
    const again = items.findIndex((i) => i.id === selectedId);
    state.selected = again >= 0 ? again : Math.min(state.selected, Math.max(0, items.length - 1));
    renderQueue();
    renderChart(items);
  } catch (err) {
    if (err.message !== 'signed out') status(err.message, true);
  }
}

$('label-filter').addEventListener('change', () => {
  state.selected = 0;
  loadQueue();
});

function renderQueue() {
  const list = $('items');
  list.replaceChildren(
    ...state.items.map((item, i) =>
      el(
        'li',
        { class: i === state.selected ? 'selected' : '', 'data-id': String(item.id), onclick: () => select(i, true) },
        el('span', { class: `sev sev-${item.severity}`, text: item.severity }),
        el('span', { text: item.post.channelTitle ?? item.post.channel }),
        labelBadges(item.classification.labels),
        el('span', { class: 'excerpt', text: item.post.text }),
        el('time', { text: item.createdAt.slice(0, 16).replace('T', ' ') }),
      ),
    ),
  );
  if (state.items.length === 0) list.replaceChildren(el('li', { text: 'Nothing new to review.' }));
}

function renderChart(items) {
  const perDay = new Map();
  for (const item of items) perDay.set(item.createdAt.slice(0, 10), (perDay.get(item.createdAt.slice(0, 10)) ?? 0) + 1);
  const days = [...perDay.keys()].sort().slice(-30);
  const max = Math.max(1, ...perDay.values());
  $('chart').replaceChildren(
    ...days.map((d) => {
      const bar = el('div', { class: 'bar', title: `${d}: ${perDay.get(d)} flagged` });
      bar.style.height = `${Math.round((80 * perDay.get(d)) / max)}px`;
      return bar;
    }),
  );
}

function select(i, open = false) {
  if (state.items.length === 0) return;
  state.selected = Math.max(0, Math.min(state.items.length - 1, i));
  renderQueue();
  document.querySelector('#items li.selected')?.scrollIntoView({ block: 'nearest' });
  if (open) openDetail(state.items[state.selected].id);
}

/** The post text with the rationale spans highlighted, built from text nodes only. */
function highlighted(text, rationale) {
  const spans = rationale
    .filter((r) => !r.feature.startsWith('segment:') && r.end > r.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out = el('div', { class: 'post-text' });
  let pos = 0;
  for (const r of spans) {
    if (r.start < pos) continue;
    out.append(document.createTextNode(text.slice(pos, r.start)));
    out.append(el('mark', { class: `f-${r.feature.replace(/[^\w-]/g, '_')}`, title: r.feature, text: text.slice(r.start, r.end) }));
    pos = r.end;
  }
  out.append(document.createTextNode(text.slice(pos)));
  return out;
}

async function openDetail(id) {
  try {
    const item = await api(`/api/items/${id}`);
    const d = $('detail');
    const entities = item.classification.entities ?? {};
    d.replaceChildren(
      el('h2', {}, `${item.severity.toUpperCase()} · `, labelBadges(item.classification.labels)),
      el('p', { text: `${item.post.platform} / ${item.post.channelTitle ?? item.post.channel} · posted ${item.post.publishedAt ?? 'unknown'} · captured ${item.post.capturedAt}${item.post.deletedAt ? ` · DELETED at source ${item.post.deletedAt}` : ''}` }),
      ...(item.post.context?.before ?? []).map((c) => el('p', { class: 'context', text: `before · ${c.text}` })),
      highlighted(item.post.text, item.classification.rationale),
      ...(item.post.context?.after ?? []).map((c) => el('p', { class: 'context', text: `after · ${c.text}` })),
      el('p', { text: `Where: ${[...(entities.postcodeDistricts ?? []), ...(entities.places ?? [])].join(', ') || '—'} · Amounts: ${(entities.amounts ?? []).map((a) => a.text).join(', ') || '—'}` }),
      el('p', { text: `SHA-256 of the captured bytes: ${item.post.rawSha256}` }),
      ...(item.campaignId ? [el('p', {}, el('button', { text: `Campaign ${item.campaignId}`, onclick: () => { show('campaigns'); openCampaign(item.campaignId); } }))] : []),
      el('p', {}, el('button', { text: 'Export evidence', onclick: () => exportEvidence({ itemIds: [item.id] }) })),
      ...(item.post.url ? [el('p', {}, el('a', { href: item.post.url, rel: 'noopener noreferrer', target: '_blank', text: 'Open at the source' }))] : []),
      el('h3', { text: 'Notes' }),
      el('ul', {}, ...item.notes.map((n) => el('li', { text: `${n.author}: ${n.text}` }))),
    );
    d.hidden = false;
  } catch (err) {
    if (err.message !== 'signed out') status(err.message, true);
  }
}

async function decide(decision) {
  const item = state.items[state.selected];
  if (!item) return;
  let reason;
  if (decision === 'dismiss') {
    reason = window.prompt('Why dismiss this item?');
    if (!reason) return;
  }
  try {
    await api(`/api/items/${item.id}/decision`, { method: 'POST', body: reason ? { decision, reason } : { decision } });
    status(`Item ${item.id}: ${decision}ed`);
    state.items.splice(state.selected, 1);
    select(Math.min(state.selected, state.items.length - 1));
    if (state.items.length === 0) renderQueue();
  } catch (err) {
    status(err.message, true);
  }
}

document.addEventListener('keydown', (event) => {
  if (state.view !== 'queue' || event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement || event.metaKey || event.ctrlKey) return;
  const actions = { j: () => select(state.selected + 1), k: () => select(state.selected - 1), c: () => decide('confirm'), d: () => decide('dismiss'), e: () => decide('escalate'), Enter: () => select(state.selected, true) };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

// ---- near misses -----------------------------------------------------------------------------

// The flag labels, in the order the API's FLAG_LABELS has them; their words come from /api/labels (labelName).
const FLAG_LABELS = ['bounty_offer', 'call_to_action', 'claim'];
const REASON_NAMES = { near_miss: 'near miss', uncovered_language: 'language not covered' };

async function loadNearMisses() {
  try {
    const { nearMisses } = await api(`/api/near-misses?${$('near-miss-filter').value}&limit=200`);
    $('near-miss-list').replaceChildren(...nearMisses.map(renderNearMiss));
    if (nearMisses.length === 0) $('near-miss-list').replaceChildren(el('li', { text: 'Nothing here.' }));
  } catch (err) {
    if (err.message !== 'signed out') status(err.message, true);
  }
}

/** One kept post: its text (a text node only), what the classifier scored, and the two calls an analyst can make. */
function renderNearMiss(n) {
  const scores = FLAG_LABELS.map((l) => `${labelName(l)} ${(n.classification.scores[l] ?? 0).toFixed(2)}`).join(' · ');
  const meta = `${REASON_NAMES[n.reason] ?? n.reason} · ${n.language} · ${n.post.platform} / ${n.post.channel} · posted ${n.post.publishedAt ?? 'unknown'} · ${scores}`;
  const label = el('select', { 'aria-label': 'Which kind of incitement', class: 'nm-label' }, ...FLAG_LABELS.map((l) => el('option', { value: l, text: labelName(l) })));
  label.value = n.classification.suggestedLabel;
  const actions = n.decision
    ? el('p', { class: 'nm-decided', text: `Decided: ${n.decision === 'incitement' ? `incitement (${labelName(n.decidedLabel)})` : 'not incitement'}${n.decisionReason ? ` · ${n.decisionReason}` : ''}` })
    : el(
        'p',
        { class: 'nm-actions' },
        label,
        el('button', { class: 'nm-incitement', text: 'Incitement (offer/call/claim)', onclick: () => decideNearMiss(n.id, { decision: 'incitement', label: label.value }) }),
        el('button', { class: 'nm-not', text: 'Not', onclick: () => decideNearMiss(n.id, { decision: 'not' }) }),
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
async function exportEvidence(selection) {
  const recipient = window.prompt('Who receives this evidence bundle?');
  if (!recipient) return;
  const purpose = window.prompt('For what purpose?');
  if (!purpose) return;
  try {
    const res = await fetch('/api/exports', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': state.csrf }, body: JSON.stringify({ ...selection, recipient, purpose }) });
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

async function loadCampaigns() {
  try {
    const { campaigns } = await api('/api/campaigns');
    $('campaign-list').replaceChildren(
      ...campaigns.map((c) =>
        el('li', { 'data-id': String(c.id), onclick: () => openCampaign(c.id) },
          el('strong', { text: `Campaign ${c.id}: ${c.itemCount} post${c.itemCount === 1 ? '' : 's'}` }),
          el('span', { class: 'label-counts', text: ` · ${labelCounts(c.labelCounts)}` }),
          el('span', { text: ` · ${c.firstSeenAt.slice(0, 16).replace('T', ' ')} → ${c.lastSeenAt.slice(0, 16).replace('T', ' ')} · targets ${c.targets.join(', ') || '—'} · handles ${c.handles.join(', ') || '—'} · channels ${c.channels.join(', ')} · ${c.amounts.join(', ')}` }),
        ),
      ),
    );
  } catch (err) {
    if (err.message !== 'signed out') status(err.message, true);
  }
}

async function openCampaign(id) {
  try {
    const c = await api(`/api/campaigns/${id}`);
    const d = $('campaign-detail');
    d.replaceChildren(
      el('h2', { text: `Campaign ${c.id} · timeline` }),
      el('p', { class: 'label-counts', text: labelCounts(c.labelCounts) }),
      el('p', {}, el('button', { text: 'Export campaign evidence', onclick: () => exportEvidence({ campaignId: c.id }) })),
      el('ol', { class: 'timeline' }, ...c.items.map((item) => el('li', {}, el('time', { text: `${item.createdAt.slice(0, 16).replace('T', ' ')} ` }), el('span', { text: `${item.post.channelTitle ?? item.post.channel}: ` }), labelBadges(item.classification.labels), el('span', { text: ` ${item.post.text}` })))),
    );
    d.hidden = false;
  } catch (err) {
    if (err.message !== 'signed out') status(err.message, true);
  }
}

// ---- alerts, sources, audit ------------------------------------------------------------------

async function loadAlerts() {
  try {
    const { alerts } = await api('/api/alerts?limit=100');
    $('alert-list').replaceChildren(
      ...alerts.map((a) =>
        el(
          'li',
          {},
          el('span', { text: `#${a.id} item ${a.reviewItemId} · ${a.channel} · ${a.status}${a.tier ? ` · tier ${a.tier}` : ''} · ` }),
          a.acknowledgedAt
            ? el('span', { text: `acknowledged by ${a.acknowledgedVia}` })
            : el('button', { text: 'Acknowledge', onclick: async () => { await api(`/api/alerts/${a.id}/ack`, { method: 'POST' }).catch((e) => status(e.message, true)); loadAlerts(); } }),
        ),
      ),
    );
  } catch (err) {
    if (err.message !== 'signed out') status(err.message, true);
  }
}

async function loadSources() {
  try {
    const { sources } = await api('/api/sources');
    $('source-list').replaceChildren(el('ul', {}, ...sources.map((s) => el('li', { text: `${s.name} (${s.kind}) · ${s.enabled ? 'on' : 'off'}${s.lastError ? ` · failing: ${s.lastError}` : ''}` }))));
  } catch (err) {
    if (err.status === 403) $('source-list').replaceChildren(el('p', { class: 'error', text: 'Not allowed for your role: the watch-list is for administrators.' }));
    else if (err.message !== 'signed out') status(err.message, true);
  }
}

async function loadAudit() {
  try {
    const { entries } = await api('/api/audit?limit=200');
    $('audit-list').replaceChildren(...entries.map((e) => el('li', { text: `${e.at} ${e.actor} ${e.action} ${e.entity} ${e.entityId ?? ''}` })));
  } catch (err) {
    if (err.status === 403) $('audit-list').replaceChildren(el('li', { class: 'error', text: 'Not allowed for your role: the audit log is for auditors.' }));
    else if (err.message !== 'signed out') status(err.message, true);
  }
}

// ---- start -----------------------------------------------------------------------------------

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const { user, csrfToken } = await api('/api/login', { method: 'POST', body: { email: form.get('email'), password: form.get('password') } });
    $('login-error').textContent = '';
    signedIn(user, csrfToken);
  } catch (err) {
    $('login-error').textContent = err.status === 429 ? 'Too many attempts; wait a minute.' : 'Wrong email or password.';
  }
});
for (const b of document.querySelectorAll('nav button[data-view]')) b.addEventListener('click', () => show(b.dataset.view));
$('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST' }).catch(() => undefined);
  showLogin();
});

// New items appear without a reload.
setInterval(() => {
  if (state.user && state.view === 'queue') loadQueue();
}, 5_000);

api('/api/me')
  .then(({ user, csrfToken }) => signedIn(user, csrfToken))
  .catch(() => showLogin());
