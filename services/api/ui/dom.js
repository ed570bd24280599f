// Helpers every page of the desk shares. Post text is attacker-controlled: it only ever reaches the page
// through textContent and text nodes (el's `text`), never innerHTML; the page's CSP allows no inline code.

export const $ = (id) => document.getElementById(id);

/** What the desk knows about who is signed in, and the label words; one object every module reads. */
export const state = { user: null, csrf: null, labels: [], users: [], view: 'queue', onSignedOut: () => undefined };

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

export function status(message, error = false, ...extra) {
  const s = $('status');
  s.replaceChildren(message, ...extra);
  s.className = error ? 'error' : '';
}

export const reportError = (err) => {
  if (err.message !== 'signed out') status(err.message, true);
};

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && path !== '/api/login') {
    state.onSignedOut();
    throw new Error('signed out');
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(data?.message ?? `HTTP ${res.status}`), { status: res.status });
  return data;
}

export const canDecide = () => ['analyst', 'admin'].includes(state.user?.role);

// ---- words -----------------------------------------------------------------------------------

export const labelName = (label) => state.labels.find((l) => l.label === label)?.name ?? words(label);

/** snake_case and feature names as words: "call_to_action" → "call to action". */
export const words = (s) =>
  String(s)
    .replace(/^word:/, '')
    .replace(/[_:]+/g, ' ');

/** One badge per label, coloured by label (app.css), worded for people. */
export function labelBadges(labels) {
  return el(
    'span',
    { class: 'labels' },
    ...labels.map((l) => el('span', { class: `label label-${l.replace(/[^\w-]/g, '_')}`, text: labelName(l) })),
  );
}

export const userName = (id) =>
  id === null || id === undefined ? null : (state.users.find((u) => u.id === id)?.email ?? `user #${id}`);

// ---- time, in the analyst's own time zone -------------------------------------------------------

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const STEPS = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

export function ago(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const [unit, size] = STEPS.find(([, s]) => Math.abs(seconds) >= s) ?? STEPS.at(-1);
  return relative.format(Math.round(seconds / size), unit);
}

/** A <time> with the local date and time and how long ago; the exact UTC instant on hover. */
export function timeEl(iso, { withAgo = true } = {}) {
  if (!iso) return el('span', { text: 'unknown' });
  return el('time', {
    datetime: iso,
    title: iso,
    text: `${absolute.format(new Date(iso))}${withAgo ? ` (${ago(iso)})` : ''}`,
  });
}

export const shortTime = (iso) => (iso ? absolute.format(new Date(iso)) : 'unknown');

/** A calendar day ("2025-01-06") as the analyst reads dates; a day has no time zone, so none shifts it. */
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
export const dayText = (isoDay) => day.format(new Date(`${isoDay}T00:00:00Z`));

// ---- dialogs ---------------------------------------------------------------------------------------

/**
 * Opens one of the page's <dialog>s (focus moves into it, Escape cancels) and resolves with its form's
 * values when submitted, or null when cancelled.
 */
export function ask(dialogId, prepare = () => undefined) {
  const dialog = $(dialogId);
  const form = dialog.querySelector('form');
  form.reset();
  prepare(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? new FormData(form) : null), {
      once: true,
    });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

export const dialogOpen = () => document.querySelector('dialog[open]') !== null;

/** Asks why, in words of one's own (a change that is audited with its reason); null when cancelled. */
export async function reasonFor(title, verb) {
  const form = await ask('admin-reason-dialog', (d) => {
    d.querySelector('#admin-reason-title').textContent = title;
    d.querySelector('#admin-reason-submit').textContent = verb;
  });
  return form ? String(form.get('reason')).trim() : null;
}
