import { severityRank, type Label, type Verdict } from '../domain/verdict.js';
import { qrContacts } from './qr.js';

/**
 * OCR's lines with the noise dropped: a QR code or a photo reads as stray glyphs ("e", "[=]!"), and a
 * line without a word of two letters or a number is such noise.
 */
export function cleanOcrText(raw: string): string {
  return raw
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => /\p{L}{2}|\d/u.test(l))
    .join('\n');
}

export interface ImageVerdict {
  sha256: string;
  /** What the classifier said of the image's text alone. */
  verdict: Verdict;
  qr: string | null;
}

const mergeArrays = (a: unknown, b: unknown): unknown[] => {
  const seen = new Set<string>();
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? (x as unknown[]) : []);
  return [...list(a), ...list(b)].filter((x) => {
    const k = JSON.stringify(x);
    return seen.has(k) ? false : (seen.add(k), true);
  });
};

/**
 * A post's verdict with its images' text read as segments of their own: flagged if the post or any image is,
 * labels and entities together, each score the highest, rationale spans from an image marked with its
 * SHA-256 (their offsets count in that image's text). QR targets become contacts.
 */
export function withImages(post: Verdict, images: ImageVerdict[]): Verdict {
  let out: Verdict = { ...post, rationale: [...post.rationale], entities: { ...post.entities }, scores: { ...post.scores }, labels: [...post.labels] };
  for (const { sha256, verdict, qr } of images) {
    const labels = [...new Set<Label>([...out.labels, ...verdict.labels])];
    const scores = { ...out.scores };
    for (const [label, score] of Object.entries(verdict.scores) as [Label, number][]) scores[label] = Math.max(scores[label] ?? 0, score);
    const entities: Record<string, unknown> = { ...out.entities };
    for (const [key, value] of Object.entries(verdict.entities)) entities[key] = Array.isArray(value) || Array.isArray(entities[key]) ? mergeArrays(entities[key], value) : (entities[key] ?? value);
    if (qr) {
      entities.qrTargets = mergeArrays(entities.qrTargets, [qr]);
      entities.contacts = mergeArrays(entities.contacts, qrContacts(qr));
    }
    const flagged = out.flagged || verdict.flagged;
    out = {
      ...out,
      flagged,
      labels,
      scores,
      severity: severityRank(verdict.severity) > severityRank(out.severity) ? verdict.severity : out.severity,
      rationale: [...out.rationale, ...verdict.rationale.map((r) => ({ ...r, image: { sha256 } }))],
      entities,
      language: out.language === 'und' ? verdict.language : out.language,
      nearMiss: !flagged && (out.nearMiss || verdict.nearMiss),
    };
  }
  return out;
}
