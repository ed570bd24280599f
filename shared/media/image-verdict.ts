import { severityRank, type Entities, type Label, type Verdict } from '../domain/verdict.js';
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

/** Both lists, each value once (compared as JSON), in the order first seen. */
const mergeArrays = <T>(a: T[] | undefined, b: T[]): T[] => {
  const seen = new Set<string>();
  return [...(a ?? []), ...b].filter((x) => {
    const k = JSON.stringify(x);
    return seen.has(k) ? false : (seen.add(k), true);
  });
};
/** A list the image adds to is merged; one it does not have is left as the post had it. */
const merged = <T>(a: T[] | undefined, b: T[] | undefined): T[] | undefined =>
  b === undefined ? a : mergeArrays(a, b);

function mergeEntities(a: Entities, b: Entities): Entities {
  const out: Entities = { ...a };
  // Only keys either side has: a key neither has stays absent rather than undefined.
  const put = <K extends keyof Entities>(key: K, value: Entities[K]) => {
    if (value !== undefined) out[key] = value;
  };
  put('amounts', merged(a.amounts, b.amounts));
  put('targets', merged(a.targets, b.targets));
  put('postcodeDistricts', merged(a.postcodeDistricts, b.postcodeDistricts));
  put('places', merged(a.places, b.places));
  put('times', merged(a.times, b.times));
  put('proof', merged(a.proof, b.proof));
  put('contacts', merged(a.contacts, b.contacts));
  put('paymentChannels', merged(a.paymentChannels, b.paymentChannels));
  put('qrTargets', merged(a.qrTargets, b.qrTargets));
  put('truncatedAt', a.truncatedAt ?? b.truncatedAt);
  return out;
}

/**
 * A post's verdict with its images' text read as segments of their own: flagged if the post or any image is,
 * labels and entities together, each score the highest, rationale spans from an image marked with its
 * SHA-256 (their offsets count in that image's text). QR targets become contacts.
 */
export function withImages(post: Verdict, images: ImageVerdict[]): Verdict {
  let out: Verdict = {
    ...post,
    rationale: [...post.rationale],
    entities: { ...post.entities },
    scores: { ...post.scores },
    labels: [...post.labels],
  };
  for (const { sha256, verdict, qr } of images) {
    const labels = [...new Set<Label>([...out.labels, ...verdict.labels])];
    const scores = { ...out.scores };
    for (const [label, score] of Object.entries(verdict.scores) as [Label, number][])
      scores[label] = Math.max(scores[label] ?? 0, score);
    const entities = mergeEntities(out.entities, verdict.entities);
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
