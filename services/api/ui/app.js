// Vigil review desk: sign-in, the pages, and the address bar. Post text is attacker-controlled: it only ever
// reaches the page through textContent and text nodes (dom.js), never innerHTML; the CSP allows no inline code.

import { installDesk, loadViews, pollNew, showDesk } from './desk.js';
import { $, api, el, reportError, state } from './dom.js';
import { loadSources, loadUsers } from './admin.js';
import { loadCampaigns, openCampaign } from './campaign.js';
import { exportEvidence, loadAlerts, loadAudit, loadNearMisses } from './pages.js';

const VIEWS = ['login', 'queue', 'near-misses', 'campaigns', 'alerts', 'sources', 'audit', 'users'];
/** The server's stream of queue changes (listen()). */
let live = null;

const LOADERS = {
  'near-misses': loadNearMisses,
  campaigns: loadCampaigns,
  alerts: loadAlerts,
  sources: loadSources,
  audit: loadAudit,
  users: loadUsers,
};

function show(view) {
  state.view = view;
  for (const id of VIEWS) $(id).hidden = id !== view;
  for (const b of document.querySelectorAll('nav button[data-view]')) {
    b.classList.toggle('active', b.dataset.view === view);
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  return LOADERS[view]?.();
}

/** The page the address names: /ui/items/<id> and /ui/ are the queue; other pages are /ui/?view=<page>. */
function route() {
  const view = new URLSearchParams(location.search).get('view');
  if (view && LOADERS[view]) return show(view);
  show('queue');
  return showDesk();
}

function go(view) {
  history.pushState({}, '', view === 'queue' ? '/ui/' : `/ui/?view=${view}`);
  route();
}

function showLogin() {
  live?.close();
  state.user = null;
  $('nav').hidden = true;
  show('login');
}
state.onSignedOut = showLogin;

/** The label set in words, from the API, so the desk names labels as the alerts and evidence bundles do. */
async function loadLabels() {
  try {
    state.labels = (await api('/api/labels')).labels;
  } catch (err) {
    // Without the words the desk still works: labels then show as stored.
    reportError(err);
  }
  const filter = $('label-filter');
  const chosen = filter.value;
  filter.replaceChildren(
    el('option', { value: '', text: 'every label' }),
    ...state.labels.map((l) => el('option', { value: l.label, text: l.name })),
  );
  filter.value = chosen;
}

async function signedIn(user, csrf) {
  state.user = user;
  state.csrf = csrf;
  $('whoami').textContent = `${user.email} (${user.role})`;
  // Administration shows to admins only; the API refuses it to anyone else whatever the page shows.
  for (const node of document.querySelectorAll('[data-admin]')) node.hidden = user.role !== 'admin';
  $('nav').hidden = false;
  await loadLabels();
  if (['analyst', 'admin'].includes(user.role))
    state.users = (await api('/api/users').catch(() => ({ users: [] }))).users;
  loadViews();
  listen();
  // The address asked for before sign-in (an alert's link to /ui/items/<id>) is still the address: open it.
  if (state.user) await route();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const { user, csrfToken } = await api('/api/login', {
      method: 'POST',
      body: { email: form.get('email'), password: form.get('password') },
    });
    $('login-error').textContent = '';
    await signedIn(user, csrfToken);
  } catch (err) {
    $('login-error').textContent =
      err.status === 429 ? 'Too many attempts; wait a minute.' : 'Wrong email or password.';
  }
});
for (const b of document.querySelectorAll('nav button[data-view]'))
  b.addEventListener('click', () => go(b.dataset.view));
$('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST' }).catch(() => undefined);
  showLogin();
});
window.addEventListener('popstate', () => state.user && route());

// Links inside the desk (an item's page, the queue for a campaign) open without reloading.
document.addEventListener('click', (event) => {
  const a = event.target instanceof Element ? event.target.closest('a[href^="/ui/"]') : null;
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  history.pushState({}, '', a.getAttribute('href'));
  route();
});

installDesk({
  exportEvidence,
  openCampaign: (id) => {
    go('campaigns');
    openCampaign(id);
  },
});

// New items are counted as the server announces a change (server-sent events), not pushed into the list
// under the analyst's cursor. EventSource reconnects by itself; a signed-out stream is closed.
function listen() {
  live?.close();
  live = new EventSource('/api/items/events');
  live.addEventListener('queue', () => {
    if (state.user && state.view === 'queue') pollNew();
  });
}

api('/api/me')
  .then(({ user, csrfToken }) => signedIn(user, csrfToken))
  .catch(() => showLogin());
