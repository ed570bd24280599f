// The review queue: tabs, search and filters in the address bar, the list beside the item shown, and the
// decisions. A decision always applies to the item shown in the detail pane (`desk.current`), never to a
// row that is merely highlighted.

import { renderDetail } from './detail.js';
import { $, api, ask, canDecide, dialogOpen, el, labelBadges, reportError, shortTime, state, status } from './dom.js';

const PAGE = 50;
const TABS = [
  ['new', 'New'],
  ['confirmed', 'Confirmed'],
  ['escalated', 'Escalated'],
  ['dismissed', 'Dismissed'],
  ['', 'All'],
];
const FILTERS = ['q', 'severity', 'label', 'channel', 'district', 'campaign', 'from', 'to', 'assignee', 'sort'];
const DONE = { confirm: 'confirmed', dismiss: 'dismissed', escalate: 'escalated' };
const UNDO_MS = 5 * 60_000;

const desk = {
  items: [],
  selected: -1,
  current: null,
  counts: null,
  offset: 0,
  status: 'new',
  filters: {},
  lastDecision: null,
  seenNew: null,
  loading: null,
  busy: false,
  /** The decision on its way, until its answer is in. */
  answer: null,
  /** Counts moves the analyst asked for: a move to the next item after a decision yields to a later one (an undo). */
  moves: 0,
  hooks: {},
};

/** The desk's state as a query string: what the address bar, saved views and the API share. */
function queryString({ withPage = false } = {}) {
  const p = new URLSearchParams();
  if (desk.status !== 'new') p.set('status', desk.status || 'all');
  for (const k of FILTERS) if (desk.filters[k]) p.set(k, desk.filters[k]);
  if (withPage && desk.offset) p.set('offset', String(desk.offset));
  return p.toString();
}

/** The API's filters: dates as the start of the day in the analyst's time zone, the "to" day included. */
function apiFilters() {
  const p = new URLSearchParams();
  for (const k of FILTERS) {
    const v = desk.filters[k];
    if (!v || k === 'sort') continue;
    if (k === 'from') p.set('from', new Date(`${v}T00:00`).toISOString());
    else if (k === 'to') p.set('to', new Date(new Date(`${v}T00:00`).getTime() + 86_400_000).toISOString());
    else p.set(k, v);
  }
  return p;
}

function readAddress() {
  const p = new URLSearchParams(location.search);
  const s = p.get('status');
  desk.status = s === 'all' ? '' : ['new', 'confirmed', 'escalated', 'dismissed'].includes(s) ? s : 'new';
  desk.filters = Object.fromEntries(FILTERS.map((k) => [k, p.get(k) ?? '']));
  desk.offset = Math.max(0, Number(p.get('offset')) || 0);
  const form = $('finder');
  for (const k of FILTERS) form.elements[k].value = desk.filters[k] || (k === 'sort' ? 'newest' : '');
}

const itemPath = (id) => `/ui/items/${id}${location.search}`;

/** Opens the desk at the address: /ui/ (the queue) or /ui/items/<id> (that item beside it). */
export async function showDesk() {
  readAddress();
  const id = Number(/^\/ui\/items\/(\d+)/.exec(location.pathname)?.[1]) || null;
  await loadList();
  if (id) await openItem(id, { push: false });
  else if (desk.items.length) await openItem(desk.items[0].id, { push: false, replace: true });
  else renderEmptyDetail();
}

let listRequest = 0;

async function loadList() {
  const mine = ++listRequest;
  const q = desk.filters.q ?? '';
  try {
    const p = apiFilters();
    const [list, counts] = await Promise.all([
      api(
        `/api/items?${new URLSearchParams([...p, ...(desk.status ? [['status', desk.status]] : []), ['sort', desk.filters.sort || 'newest'], ['limit', String(PAGE)], ['offset', String(desk.offset)]])}`,
      ),
      api(`/api/items/counts?${p}`),
    ]);
    // An answer to a search the analyst has since replaced is dropped.
    if (mine !== listRequest) return;
    desk.items = list.items;
    desk.listed = q;
    desk.counts = counts;
    desk.seenNew = counts.new;
    $('unseen').hidden = true;
    desk.selected = desk.items.findIndex((i) => i.id === desk.current?.id);
    renderTabs();
    renderList();
  } catch (err) {
    reportError(err);
  }
}

const hasFilters = () => FILTERS.some((k) => k !== 'sort' && desk.filters[k]);

function renderTabs() {
  $('tabs').replaceChildren(
    ...TABS.map(([value, name]) =>
      el(
        'button',
        {
          type: 'button',
          role: 'tab',
          'aria-selected': String(desk.status === value),
          class: desk.status === value ? 'active' : '',
          'data-status': value || 'all',
          onclick: () => switchTab(value),
        },
        `${name} `,
        el('span', { class: 'count', text: String(desk.counts?.[value || 'all'] ?? 0) }),
      ),
    ),
  );
}

function renderList() {
  const total = desk.counts?.[desk.status || 'all'] ?? 0;
  const list = $('items');
  list.replaceChildren(
    ...desk.items.map((item, i) =>
      el(
        'li',
        { class: i === desk.selected ? 'selected' : '', 'data-id': String(item.id) },
        el(
          'a',
          {
            href: itemPath(item.id),
            class: 'row',
            'aria-current': i === desk.selected ? 'true' : undefined,
            onclick: (e) => {
              e.preventDefault();
              select(i);
            },
          },
          el('span', { class: `sev sev-${item.severity}`, text: item.severity }),
          desk.status ? null : el('span', { class: `state state-${item.status}`, text: item.status }),
          el('span', { class: 'channel', text: item.post.channelTitle ?? item.post.channel }),
          labelBadges(item.classification.labels),
          el('span', { class: 'excerpt', text: item.post.text }),
          el('time', {
            datetime: item.post.publishedAt ?? item.post.capturedAt,
            text: shortTime(item.post.publishedAt ?? item.post.capturedAt),
          }),
        ),
      ),
    ),
  );
  if (desk.items.length === 0)
    list.replaceChildren(el('li', { class: 'empty', text: hasFilters() ? 'No item matches.' : 'Nothing here.' }));
  list.dataset.q = desk.listed ?? '';
  $('list-summary').textContent = total
    ? `Items ${desk.offset + 1}–${desk.offset + desk.items.length} of ${total}`
    : 'No items';
  $('prev-page').disabled = desk.offset === 0;
  $('next-page').disabled = desk.offset + desk.items.length >= total;
}

function renderEmptyDetail() {
  desk.current = null;
  $('detail').replaceChildren(el('p', { class: 'help', text: 'Nothing selected. Press ? for the keys.' }));
}

/** Highlights row i and opens its item beside the list, so the item decided on is the one shown. */
async function select(i) {
  if (desk.items.length === 0) return;
  desk.selected = Math.max(0, Math.min(desk.items.length - 1, i));
  renderList();
  document.querySelector('#items li.selected')?.scrollIntoView({ block: 'nearest' });
  await openItem(desk.items[desk.selected].id);
}

export async function openItem(id, { push = true, replace = false } = {}) {
  desk.loading = id;
  try {
    const item = await api(`/api/items/${id}`);
    if (desk.loading !== id) return;
    desk.current = item;
    desk.selected = desk.items.findIndex((i) => i.id === id);
    if (push && location.pathname !== `/ui/items/${id}`) history.pushState({}, '', itemPath(id));
    else if (replace) history.replaceState({}, '', itemPath(id));
    renderList();
    $('detail').replaceChildren(...renderDetail(item, actions).filter(Boolean));
    $('detail').dataset.id = String(item.id);
    if (matchMedia('(max-width: 700px)').matches) $('detail').scrollIntoView({ block: 'start' });
  } catch (err) {
    if (err.status === 404) status(`There is no item ${id}.`, true);
    else reportError(err);
  } finally {
    if (desk.loading === id) desk.loading = null;
  }
}

/** The item the detail pane shows, or nothing while another is loading (a key then waits for the page). */
function shown() {
  if (desk.busy) return null;
  if (!desk.current || desk.loading !== null) {
    status('Open an item first.', true);
    return null;
  }
  return desk.current;
}

async function decide(decision) {
  const item = shown();
  if (!item || !canDecide()) return;
  let reason;
  if (decision === 'dismiss') {
    reason = await askReason(`Dismiss item ${item.id}`, 'Dismiss');
    if (!reason) return;
  }
  // One decision at a time: a key pressed again before the next item is shown must not land on this one.
  desk.busy = true;
  try {
    desk.answer = send(item, decision, reason);
    await desk.answer;
    status(
      `Item ${item.id} ${DONE[decision]}. `,
      false,
      el('button', { type: 'button', id: 'undo', text: 'Undo', onclick: undo }),
    );
    await afterDecision(item.id);
  } catch (err) {
    reportError(err);
  } finally {
    desk.busy = false;
    desk.answer = null;
  }
}

async function send(item, decision, reason) {
  await api(`/api/items/${item.id}/decision`, { method: 'POST', body: reason ? { decision, reason } : { decision } });
  desk.lastDecision = { id: item.id, decision, at: Date.now() };
}

/** The decided item leaves a tab it no longer belongs to; the next one opens in its place. */
async function afterDecision(id) {
  const move = desk.moves;
  const at = desk.items.findIndex((i) => i.id === id);
  const fresh = await api(
    `/api/items?${new URLSearchParams([...apiFilters(), ...(desk.status ? [['status', desk.status]] : []), ['sort', desk.filters.sort || 'newest'], ['limit', String(PAGE)], ['offset', String(desk.offset)]])}`,
  );
  const counts = await api(`/api/items/counts?${apiFilters()}`);
  // Undone meanwhile: the undo has the list and the item to show.
  if (move !== desk.moves) return;
  desk.counts = counts;
  desk.seenNew = desk.counts.new;
  desk.items = fresh.items;
  renderTabs();
  const stays = desk.items.findIndex((i) => i.id === id);
  const next = stays >= 0 ? stays + 1 : Math.max(0, at);
  if (desk.items.length === 0) {
    renderList();
    renderEmptyDetail();
    return;
  }
  await select(Math.min(next, desk.items.length - 1));
  $('detail').querySelector('h2')?.focus();
}

async function undo() {
  // Pressed before the decision's answer is in (the server may have it already), an undo waits for the answer
  // rather than finding nothing to undo; it then takes over from the move to the next item.
  await desk.answer?.catch(() => undefined);
  const last = desk.lastDecision;
  if (!last || Date.now() - last.at > UNDO_MS)
    return status('Nothing to undo: a decision can be undone for 5 minutes.', true);
  try {
    desk.moves += 1;
    await api(`/api/items/${last.id}/undo`, { method: 'POST' });
    desk.lastDecision = null;
    status(`Item ${last.id}: ${DONE[last.decision]} undone.`);
    await loadList();
    await openItem(last.id);
  } catch (err) {
    reportError(err);
  }
}

/** The reason dialog: a preset reason, or "Other" with words; either may carry details. */
export async function askReason(title, verb) {
  const form = await ask('reason-dialog', (d) => {
    d.querySelector('#reason-title').textContent = title;
    d.querySelector('#reason-submit').textContent = verb;
  });
  if (!form) return null;
  const preset = form.get('preset');
  const details = String(form.get('details') ?? '').trim();
  if (preset === 'Other' && !details) {
    status('Say why in Details when the reason is "Other".', true);
    return null;
  }
  return preset === 'Other' ? details : `${preset}${details ? `: ${details}` : ''}`;
}

async function loadUsers() {
  if (!canDecide() || state.users.length) return;
  state.users = (await api('/api/users')).users;
}

async function assign() {
  const item = shown();
  if (!item) return;
  try {
    await loadUsers();
    const form = await ask('assign-dialog', () => {
      const select = $('assign-user');
      select.replaceChildren(
        el('option', { value: '', text: 'Nobody' }),
        ...state.users.map((u) => el('option', { value: String(u.id), text: `${u.email} (${u.role})` })),
      );
      select.value = item.assignedTo ? String(item.assignedTo) : String(state.user.id);
    });
    if (!form) return;
    const userId = form.get('userId') ? Number(form.get('userId')) : null;
    await api(`/api/items/${item.id}/assign`, { method: 'POST', body: { userId } });
    status(`Item ${item.id} assigned to ${state.users.find((u) => u.id === userId)?.email ?? 'nobody'}.`);
    await openItem(item.id, { push: false });
  } catch (err) {
    reportError(err);
  }
}

async function note() {
  const item = shown();
  if (!item) return;
  const form = await ask('note-dialog');
  if (!form) return;
  try {
    await api(`/api/items/${item.id}/notes`, { method: 'POST', body: { text: String(form.get('text')) } });
    status(`Note added to item ${item.id}.`);
    await openItem(item.id, { push: false });
  } catch (err) {
    reportError(err);
  }
}

const actions = {
  decide,
  assign,
  note,
  exportEvidence: () => desk.current && desk.hooks.exportEvidence({ itemIds: [desk.current.id] }),
  help: () => ask('help-dialog'),
  campaign: (id) => desk.hooks.openCampaign(id),
};

function switchTab(value) {
  desk.status = value;
  desk.offset = 0;
  history.pushState({}, '', `/ui/${queryString() ? `?${queryString()}` : ''}`);
  loadList().then(() => desk.items.length && openItem(desk.items[0].id, { replace: true, push: false }));
}

function applyFilters(event) {
  event?.preventDefault();
  const form = $('finder');
  desk.filters = Object.fromEntries(FILTERS.map((k) => [k, form.elements[k].value.trim()]));
  if (desk.filters.sort === 'newest') desk.filters.sort = '';
  desk.offset = 0;
  history.pushState({}, '', `/ui/${queryString() ? `?${queryString()}` : ''}`);
  loadList().then(() =>
    desk.items.length ? openItem(desk.items[0].id, { replace: true, push: false }) : renderEmptyDetail(),
  );
}

function page(delta) {
  const total = desk.counts?.[desk.status || 'all'] ?? 0;
  const offset = desk.offset + delta * PAGE;
  if (offset < 0 || offset >= total) return;
  desk.offset = offset;
  history.pushState({}, '', `/ui/?${queryString({ withPage: true })}`);
  loadList().then(() => desk.items.length && openItem(desk.items[0].id, { replace: true, push: false }));
}

// ---- saved views ------------------------------------------------------------------------------------

export async function loadViews() {
  try {
    const { views } = await api('/api/views');
    $('saved-views').replaceChildren(
      el('option', { value: '', text: 'choose…' }),
      ...views.map((v) => el('option', { value: v.query, 'data-id': String(v.id), text: v.name })),
    );
  } catch (err) {
    reportError(err);
  }
}

async function saveView() {
  const form = await ask('view-dialog');
  if (!form) return;
  try {
    await api('/api/views', { method: 'POST', body: { name: String(form.get('name')), query: queryString() } });
    status(`View "${form.get('name')}" saved.`);
    await loadViews();
  } catch (err) {
    reportError(err);
  }
}

async function deleteView() {
  const option = $('saved-views').selectedOptions[0];
  if (!option?.dataset.id) return status('Choose a saved view to delete.', true);
  try {
    await api(`/api/views/${option.dataset.id}`, { method: 'DELETE' });
    status(`View "${option.textContent}" deleted.`);
    await loadViews();
  } catch (err) {
    reportError(err);
  }
}

function useView() {
  const query = $('saved-views').value;
  if (!query && $('saved-views').selectedIndex === 0) return;
  history.pushState({}, '', `/ui/${query ? `?${query}` : ''}`);
  desk.current = null;
  showDesk();
}

// ---- new items, without reloading ----------------------------------------------------------------------

/** Shows how many items arrived since the list was loaded; the list itself stays put until asked. */
export async function pollNew() {
  if (desk.seenNew === null) return;
  const counts = await api(`/api/items/counts?${apiFilters()}`).catch(() => null);
  if (!counts || desk.seenNew === null) return;
  const unseen = counts.new - desk.seenNew;
  $('unseen').hidden = unseen <= 0;
  $('show-unseen').textContent = `${unseen} new item${unseen === 1 ? '' : 's'}: show`;
}

$('show-unseen').addEventListener('click', () => {
  $('unseen').hidden = true;
  desk.offset = 0;
  loadList();
});

// ---- wiring -----------------------------------------------------------------------------------------

export function installDesk(hooks) {
  desk.hooks = hooks;
  $('finder').addEventListener('submit', applyFilters);
  $('label-filter').addEventListener('change', applyFilters);
  for (const name of ['severity', 'assignee', 'sort'])
    $('finder').elements[name].addEventListener('change', applyFilters);
  $('clear-filters').addEventListener('click', () => {
    $('finder').reset();
    applyFilters();
  });
  $('prev-page').addEventListener('click', () => page(-1));
  $('next-page').addEventListener('click', () => page(1));
  $('save-view').addEventListener('click', saveView);
  $('delete-view').addEventListener('click', deleteView);
  $('saved-views').addEventListener('change', useView);

  document.addEventListener('keydown', (event) => {
    if (state.view !== 'queue' || dialogOpen() || event.metaKey || event.ctrlKey || event.altKey) return;
    const t = event.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    const keys = {
      j: () => select(desk.selected + 1),
      k: () => select(desk.selected < 0 ? 0 : desk.selected - 1),
      c: () => decide('confirm'),
      d: () => decide('dismiss'),
      e: () => decide('escalate'),
      u: undo,
      a: assign,
      n: note,
      x: actions.exportEvidence,
      '?': actions.help,
      '/': () => $('search').focus(),
      '[': () => page(-1),
      ']': () => page(1),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}
