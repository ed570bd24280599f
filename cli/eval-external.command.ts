import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { classify, CLASSIFIER_VERSION } from '../shared/classifier/index.js';

export interface Share {
  total: number;
  flagged: number;
  bounty: number;
}

export interface ExternalReport {
  hatecheck: Record<string, Share>;
  hatemoji: Record<string, Share>;
  davidson: Record<string, Share>;
}

const DAVIDSON_CLASSES: Record<string, string> = { '0': 'hate_speech', '1': 'offensive_language', '2': 'neither' };

function tally(
  rows: Record<string, string>[],
  groupOf: (r: Record<string, string>) => string,
  textOf: (r: Record<string, string>) => string,
): Record<string, Share> {
  const out: Record<string, Share> = {};
  for (const r of rows) {
    const v = classify(textOf(r));
    const s = (out[groupOf(r)] ??= { total: 0, flagged: 0, bounty: 0 });
    s.total += 1;
    if (v.flagged) s.flagged += 1;
    if (v.labels.includes('bounty_offer')) s.bounty += 1;
  }
  return out;
}

const readCsv = (file: string) =>
  parse<Record<string, string>>(readFileSync(file), { columns: true, skip_empty_lines: true, relax_quotes: true });

/** Outside data, written by others, classified for false alarms: never training data. */
export function externalReport(dir: string): ExternalReport {
  return {
    hatecheck: tally(
      readCsv(join(dir, 'hatecheck', 'all_cases.csv')),
      (r) => r.functionality ?? '?',
      (r) => r.test_case ?? '',
    ),
    hatemoji: tally(
      readCsv(join(dir, 'hatemoji', 'HatemojiCheck', 'test.csv')),
      (r) => `${r.functionality ?? '?'}${r.label_gold === '1' ? '' : ' (non-hateful)'}`,
      (r) => r.text ?? '',
    ),
    davidson: tally(
      readCsv(join(dir, 'davidson', 'data', 'labeled_data.csv')),
      (r) => DAVIDSON_CLASSES[r.class ?? ''] ?? '?',
      (r) => r.tweet ?? '',
    ),
  };
}

export const sumShares = (shares: Share[]): Share =>
  shares.reduce((a, s) => ({ total: a.total + s.total, flagged: a.flagged + s.flagged, bounty: a.bounty + s.bounty }), {
    total: 0,
    flagged: 0,
    bounty: 0,
  });

/** The groups detection is held to (issue 10): posts none of which should page anyone, with the share allowed. */
export function falseAlarmTargets(report: ExternalReport): { name: string; share: Share; limit: number }[] {
  const groups = (g: Record<string, Share>, keep: (name: string) => boolean) =>
    sumShares(
      Object.entries(g)
        .filter(([name]) => keep(name))
        .map(([, s]) => s),
    );
  return [
    {
      name: 'HateCheck non-hateful and counter-speech',
      share: groups(report.hatecheck, (f) => f.endsWith('_nh')),
      limit: 0.01,
    },
    { name: 'Davidson "neither"', share: groups(report.davidson, (c) => c === 'neither'), limit: 0.01 },
    { name: 'Hatemoji non-hateful', share: groups(report.hatemoji, (f) => f.endsWith('(non-hateful)')), limit: 0.03 },
  ];
}

const percent = (part: number, total: number) => `${((100 * part) / total).toFixed(2)}%`;

export function formatExternal(report: ExternalReport): string {
  const lines = [
    `external check of ${CLASSIFIER_VERSION}: share flagged and share labelled bounty_offer`,
    '',
    'against the targets',
  ];
  for (const { name, share, limit } of falseAlarmTargets(report)) {
    const within = share.flagged / share.total <= limit;
    lines.push(
      `  ${name.padEnd(42)} ${share.flagged}/${share.total} flagged (${percent(share.flagged, share.total)}; at most ${percent(limit, 1)}) ${within ? 'ok' : 'OVER'}`,
    );
  }
  for (const [name, groups] of Object.entries(report)) {
    lines.push('', name);
    for (const [group, s] of Object.entries(groups as Record<string, Share>).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(
        `  ${group.padEnd(34)} n=${String(s.total).padEnd(6)} flagged ${percent(s.flagged, s.total).padStart(7)}   bounty_offer ${percent(s.bounty, s.total).padStart(7)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The data folder from an argument, VIGIL_EXTERNAL_DATA, or ../shared/data beside the checkout. */
export function externalDataDir(arg: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const candidate = resolve(arg ?? env.VIGIL_EXTERNAL_DATA ?? join('..', 'shared', 'data'));
  return existsSync(join(candidate, 'hatecheck')) ? candidate : undefined;
}
