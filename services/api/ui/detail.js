// The selected item, beside the list: the post (text nodes only), why it was flagged, what was done to it.

import { canDecide, el, labelBadges, labelName, shortTime, timeEl, userName, words } from './dom.js';

/** Rationale features by the colour they get, each group named in plain words for the legend. */
const GROUPS = [
  ['money', /^money/, 'Amounts of money'],
  ['place', /^(target_place|postcode|place_name)/, 'Places, targets and postcodes'],
  ['report', /^(reported|condemn|news_source)/, 'Signs of reporting or condemnation (count against)'],
  ['claim', /^claim/, 'Words claiming an act was done'],
  ['cue', /./, 'Other words behind the verdict'],
];
const groupOf = (feature) => GROUPS.find(([, re]) => re.test(feature));

/** The post text (or an image's OCR text, `image` its SHA-256) with its rationale spans highlighted, built from text nodes only. */
function highlighted(text, rationale, image) {
  const spans = rationale
    .filter(
      (r) => (r.image?.sha256 ?? null) === (image ?? null) && !r.feature.startsWith('segment:') && r.end > r.start,
    )
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out = el('div', { class: 'post-text' });
  const used = new Set();
  let pos = 0;
  for (const r of spans) {
    if (r.start < pos) continue;
    const [group, , name] = groupOf(r.feature);
    used.add(group);
    out.append(document.createTextNode(text.slice(pos, r.start)));
    out.append(
      el('mark', { class: `g-${group}`, title: `${name}: ${words(r.feature)}`, text: text.slice(r.start, r.end) }),
    );
    pos = r.end;
  }
  out.append(document.createTextNode(text.slice(pos)));
  const legend = el(
    'p',
    { class: 'legend' },
    'Highlights: ',
    ...GROUPS.filter(([g]) => used.has(g)).map(([g, , name]) => el('mark', { class: `g-${g}`, text: name })),
  );
  return [out, used.size ? legend : null];
}

const ACTIONS = {
  'item.confirm': 'confirmed',
  'item.dismiss': 'dismissed',
  'item.escalate': 'escalated',
  'item.undo': 'undid the last decision',
  'item.assign': 'assigned',
  'item.note': 'added a note',
  'alert.acknowledge': 'acknowledged an alert',
};

function historyLine(h) {
  let what = ACTIONS[h.action] ?? words(h.action.replace(/^item\./, ''));
  if (h.action === 'item.assign') what = h.details.userId ? `assigned to ${userName(h.details.userId)}` : 'unassigned';
  if (h.action === 'item.undo') what = `undid "${h.details.undone}" (back to ${h.details.restored})`;
  const extra = [
    h.details.reason ? `reason: ${h.details.reason}` : null,
    h.details.campaignId ? `with all of campaign ${h.details.campaignId}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return el('li', {}, timeEl(h.at), ` · ${h.actor.replace(/^user:/, '')} ${what}${extra ? ` · ${extra}` : ''}`);
}

function alertLine(a) {
  return el(
    'li',
    {},
    `${a.channel}${a.tier ? ` (escalation tier ${a.tier})` : ''} · ${a.status}${a.sentAt ? ` ${shortTime(a.sentAt)}` : ''} · `,
    a.acknowledgedAt ? `acknowledged by ${a.acknowledgedVia} ${shortTime(a.acknowledgedAt)}` : 'not acknowledged',
  );
}

/**
 * The post's images, served by Vigil (never the source's CDN) with their magic-byte type, each beside the
 * text OCR read in it, the words behind the verdict highlighted.
 */
function imagesOf(item) {
  if (!item.images?.length) return [];
  return [
    el('h3', { text: 'Images' }),
    ...item.images.map((m) => {
      const [text] = highlighted(m.ocrText, item.classification.rationale, m.sha256);
      return el(
        'figure',
        { class: 'post-image' },
        el('img', {
          src: m.url,
          alt: m.ocrText ? `Image; its text: ${m.ocrText.slice(0, 200)}` : 'Image with no text read',
          loading: 'lazy',
          referrerpolicy: 'no-referrer',
        }),
        el(
          'figcaption',
          {},
          m.ocrText ? text : el('p', { text: 'No text read in the image.' }),
          m.qr ? el('p', { text: `QR code: ${m.qr}` }) : null,
          el('p', { class: 'hash', text: `SHA-256 ${m.sha256} · ${m.width}×${m.height}` }),
        ),
      );
    }),
  ];
}

const button = (text, key, onclick, extra = {}) =>
  el(
    'button',
    { type: 'button', 'aria-keyshortcuts': key, onclick, ...extra },
    text,
    el('kbd', { 'aria-hidden': 'true', text: key }),
  );

/** The detail pane's content for one item; `act` holds what each button does. */
export function renderDetail(item, act) {
  const entities = item.classification.entities ?? {};
  const where = [
    ...(entities.postcodeDistricts ?? []),
    ...(entities.places ?? []),
    ...(entities.targets ?? []).map((t) => t.text),
  ];
  const [text, legend] = highlighted(item.post.text, item.classification.rationale);
  const decided = item.status !== 'new';
  const toolbar = canDecide()
    ? el(
        'div',
        { role: 'toolbar', 'aria-label': 'Decide on this item', class: 'actions' },
        button('Confirm', 'c', () => act.decide('confirm')),
        button('Dismiss…', 'd', () => act.decide('dismiss')),
        button('Escalate', 'e', () => act.decide('escalate')),
        button('Assign…', 'a', act.assign),
        button('Add note…', 'n', act.note),
        button('Export evidence…', 'x', act.exportEvidence),
        button('Keyboard help', '?', act.help),
      )
    : el('div', { class: 'actions' }, button('Keyboard help', '?', act.help));
  return [
    el(
      'h2',
      { tabindex: '-1', class: 'detail-title' },
      `${item.severity.toUpperCase()} · `,
      labelBadges(item.classification.labels),
    ),
    el(
      'p',
      { class: `item-state state-${item.status}` },
      el('strong', { text: `Item ${item.id}: ${item.status}` }),
      decided && item.decidedAt ? ' by ' : '',
      decided && item.decidedAt ? `${userName(item.decidedBy)} ` : '',
      decided && item.decidedAt ? timeEl(item.decidedAt) : '',
      item.decisionReason ? ` · ${item.decisionReason}` : '',
      ` · assigned to ${userName(item.assignedTo) ?? 'nobody'}`,
    ),
    toolbar,
    el(
      'dl',
      { class: 'meta' },
      el('dt', { text: 'Channel' }),
      el('dd', {
        text: `${item.post.platform} / ${item.post.channelTitle ? `${item.post.channelTitle} (${item.post.channel})` : item.post.channel}${item.post.author ? ` · by ${item.post.author}` : ''}`,
      }),
      el('dt', { text: 'Posted' }),
      el('dd', {}, timeEl(item.post.publishedAt)),
      el('dt', { text: 'Captured' }),
      el(
        'dd',
        {},
        timeEl(item.post.capturedAt),
        item.post.deletedAt ? ' · DELETED at source ' : '',
        item.post.deletedAt ? timeEl(item.post.deletedAt) : '',
      ),
      el('dt', { text: 'Where' }),
      el('dd', { text: [...new Set(where)].join(', ') || '—' }),
      el('dt', { text: 'Amounts' }),
      el('dd', { text: (entities.amounts ?? []).map((a) => a.text).join(', ') || '—' }),
      el('dt', { text: 'Handles' }),
      el('dd', { text: (entities.contacts ?? []).join(', ') || '—' }),
      el('dt', { text: 'Why' }),
      el('dd', {
        text:
          item.classification.labels
            .map((l) => `${labelName(l)} ${Math.round((item.classification.scores[l] ?? 0) * 100)}%`)
            .join(' · ') || '—',
      }),
    ),
    ...(item.post.context?.before ?? []).map((c) => el('p', { class: 'context', text: `before · ${c.text}` })),
    text,
    legend,
    ...imagesOf(item),
    ...(item.post.context?.after ?? []).map((c) => el('p', { class: 'context', text: `after · ${c.text}` })),
    el(
      'p',
      { class: 'links' },
      item.campaignId
        ? el('button', {
            type: 'button',
            text: `Campaign ${item.campaignId}`,
            onclick: () => act.campaign(item.campaignId),
          })
        : null,
      item.post.url
        ? el('a', { href: item.post.url, rel: 'noopener noreferrer', target: '_blank', text: 'Open at the source' })
        : null,
    ),
    el('p', { class: 'hash', text: `SHA-256 of the captured bytes: ${item.post.rawSha256}` }),
    el('h3', { text: 'Notes' }),
    item.notes.length
      ? el(
          'ul',
          { class: 'notes' },
          ...item.notes.map((n) =>
            el('li', {}, el('strong', { text: n.author }), ` ${shortTime(n.createdAt)}: `, n.text),
          ),
        )
      : el('p', { text: 'No notes.' }),
    el('h3', { text: 'Alerts sent' }),
    item.alerts.length
      ? el('ul', { class: 'item-alerts' }, ...item.alerts.map(alertLine))
      : el('p', { text: 'No alerts for this item.' }),
    el('h3', { text: 'History' }),
    item.history.length
      ? el('ol', { class: 'history' }, ...item.history.map(historyLine))
      : el('p', { text: 'Nothing done yet.' }),
  ];
}
