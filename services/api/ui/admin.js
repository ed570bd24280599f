// Administration in the desk: accounts and API tokens, and the watch-list. Every change asks for a reason,
// which the API writes to the audit log with who made it.

import { $, api, ask, el, reasonFor, reportError, shortTime, state, status } from './dom.js';

function showSecret(title, secret) {
  return ask('secret-dialog', (d) => {
    d.querySelector('#secret-title').textContent = title;
    $('secret-value').value = secret;
  });
}

// ---- users -------------------------------------------------------------------------------------

export async function loadUsers() {
  try {
    const { users } = await api('/api/admin/users');
    $('user-table')
      .querySelector('tbody')
      .replaceChildren(...users.map(userRow));
  } catch (err) {
    reportError(err);
  }
}

function userRow(u) {
  const act = (text, label, fn) =>
    el('button', { type: 'button', text, 'aria-label': `${label} ${u.email}`, onclick: fn });
  return el(
    'tr',
    { 'data-id': String(u.id) },
    el('th', { scope: 'row', text: u.email }),
    el('td', { text: u.role.replace('_', ' ') }),
    el('td', { text: u.disabledAt ? `disabled ${shortTime(u.disabledAt)}` : 'active' }),
    el(
      'td',
      {},
      u.tokens.length
        ? el(
            'ul',
            { class: 'tokens' },
            ...u.tokens.map((t) =>
              el(
                'li',
                {},
                `${t.name} · made ${shortTime(t.createdAt)} · ${t.revokedAt ? `revoked ${shortTime(t.revokedAt)}` : `last used ${t.lastUsedAt ? shortTime(t.lastUsedAt) : 'never'}`} `,
                t.revokedAt
                  ? ''
                  : el('button', {
                      type: 'button',
                      text: 'Revoke',
                      'aria-label': `Revoke token ${t.name} of ${u.email}`,
                      onclick: () => revoke(t, u),
                    }),
              ),
            ),
          )
        : 'none',
    ),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'row-actions' },
        // An admin cannot lock themselves out (the API refuses it too).
        u.id === state.user?.id
          ? null
          : u.disabledAt
            ? act('Enable', 'Enable', () => setDisabled(u, false))
            : act('Disable', 'Disable', () => setDisabled(u, true)),
        act('Reset password', 'Reset password of', () => resetPassword(u)),
      ),
    ),
  );
}

async function setDisabled(u, disabled) {
  const reason = await reasonFor(`${disabled ? 'Disable' : 'Enable'} ${u.email}`, disabled ? 'Disable' : 'Enable');
  if (!reason) return;
  try {
    await api(`/api/admin/users/${u.id}/${disabled ? 'disable' : 'enable'}`, { method: 'POST', body: { reason } });
    status(`${u.email} ${disabled ? 'disabled: signed out everywhere' : 'enabled'}.`);
  } catch (err) {
    reportError(err);
  }
  await loadUsers();
}

async function resetPassword(u) {
  const reason = await reasonFor(`Reset the password of ${u.email}`, 'Reset password');
  if (!reason) return;
  try {
    const { password } = await api(`/api/admin/users/${u.id}/password`, { method: 'POST', body: { reason } });
    await showSecret(`New password for ${u.email}`, password);
  } catch (err) {
    reportError(err);
  }
}

async function revoke(t, u) {
  const reason = await reasonFor(`Revoke the token "${t.name}" of ${u.email}`, 'Revoke');
  if (!reason) return;
  try {
    await api(`/api/admin/tokens/${t.id}/revoke`, { method: 'POST', body: { reason } });
    status(`Token "${t.name}" of ${u.email} revoked.`);
  } catch (err) {
    reportError(err);
  }
  await loadUsers();
}

$('user-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const user = await api('/api/admin/users', {
      method: 'POST',
      body: { email: String(form.get('email')).trim(), role: String(form.get('role')) },
    });
    event.target.reset();
    await loadUsers();
    await showSecret(`Password for ${user.email}`, user.password);
  } catch (err) {
    reportError(err);
  }
});

// ---- the watch-list ----------------------------------------------------------------------------------

export async function loadSources() {
  try {
    const { sources } = await api('/api/sources');
    const tiers = countBy(
      sources.filter((s) => s.enabled),
      (s) => s.tier ?? 'fixed',
    );
    $('source-list').replaceChildren(
      el('p', {
        class: 'coverage',
        text: `${sources.filter((s) => s.enabled).length} sources on: ${
          Object.entries(tiers)
            .map(([t, n]) => `${n} ${t}`)
            .join(', ') || 'none'
        }`,
      }),
      el(
        'ul',
        { class: 'sources' },
        ...sources.map((s) =>
          el(
            'li',
            { 'data-id': String(s.id) },
            `${s.name} (${s.kind}) · ${s.enabled ? 'on' : 'off'}${coverage(s)}${s.lastError ? ` · failing: ${s.lastError}` : ''} `,
            el('button', {
              type: 'button',
              text: s.enabled ? 'Disable' : 'Enable',
              'aria-label': `${s.enabled ? 'Disable' : 'Enable'} source ${s.name}`,
              onclick: () => toggleSource(s),
            }),
          ),
        ),
      ),
    );
    $('source-form').hidden = false;
    $('import-form').hidden = false;
  } catch (err) {
    if (err.status === 403)
      $('source-list').replaceChildren(
        el('p', { class: 'error', text: 'Not allowed for your role: the watch-list is for administrators.' }),
      );
    else reportError(err);
  }
}

const countBy = (xs, key) => xs.reduce((acc, x) => ({ ...acc, [key(x)]: (acc[key(x)] ?? 0) + 1 }), {});
const ago = (iso) => {
  if (!iso) return 'never read';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return `read ${s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`} ago`;
};
const every = (ms) =>
  ms < 120_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 7_200_000
      ? `${Math.round(ms / 60_000)} min`
      : `${Math.round(ms / 3_600_000)} h`;

/** What the revisit policy planned for a source and how it keeps up: tier, target interval, time since the last read. */
function coverage(s) {
  const parts = [
    s.tier ? `${s.tier}, every ${every(s.revisitMs)}` : null,
    `${s.postsPerHour} posts/h`,
    ago(s.lastSuccessAt),
    s.priority > 1 ? `priority ${s.priority}` : null,
    s.watchReason ? `why: ${s.watchReason}` : null,
  ];
  return parts
    .filter(Boolean)
    .map((p) => ` · ${p}`)
    .join('');
}

$('import-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = Object.fromEntries([...new FormData(event.target)].map(([k, v]) => [k, String(v).trim()]));
  try {
    const r = await api('/api/sources/import', {
      method: 'POST',
      body: { list: f.list, reason: f.reason, priority: Number(f.priority) },
    });
    status(
      `Watch-list imported: ${r.added} new, ${r.updated} updated, ${r.skipped} lines skipped${r.skippedLines.length ? ` (line ${r.skippedLines.map((l) => l.line).join(', ')})` : ''}. They are scheduled within seconds.`,
    );
    event.target.reset();
  } catch (err) {
    reportError(err);
  }
  await loadSources();
});

async function toggleSource(s) {
  const reason = await reasonFor(
    `${s.enabled ? 'Disable' : 'Enable'} source ${s.name}`,
    s.enabled ? 'Disable' : 'Enable',
  );
  if (!reason) return;
  try {
    await api(`/api/sources/${s.id}`, { method: 'PATCH', body: { enabled: !s.enabled, reason } });
    status(`Source ${s.name} ${s.enabled ? 'disabled' : 'enabled'}.`);
  } catch (err) {
    reportError(err);
  }
  await loadSources();
}

const SOURCE_OF = {
  'telegram-web': (f) => ({ kind: 'telegram-web', channel: f.target.replace(/^@/, '') }),
  rss: (f) => ({ kind: 'rss', url: f.target }),
  mastodon: (f) => ({
    kind: 'mastodon',
    instance: f.target,
    ...(f.hashtag ? { hashtag: f.hashtag.replace(/^#/, '') } : {}),
  }),
};

$('source-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = Object.fromEntries([...new FormData(event.target)].map(([k, v]) => [k, String(v).trim()]));
  try {
    await api('/api/sources', {
      method: 'POST',
      body: { name: f.name, source: SOURCE_OF[f.kind](f), reason: f.reason },
    });
    status(`Source ${f.name} added.`);
    event.target.reset();
  } catch (err) {
    reportError(err);
  }
  await loadSources();
});
