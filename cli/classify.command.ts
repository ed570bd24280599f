import { createInterface } from 'node:readline';
import { classify } from '../shared/classifier/index.js';

/**
 * JSON Lines in, one JSON line out per input, in order. A bad line answers `{"id": null, "error": ...}`
 * in its place and the run goes on; the exit code reports that some line failed.
 */
export async function classifyStream(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  let failed = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let answer: object;
    try {
      const record = JSON.parse(line) as { id?: unknown; text?: unknown };
      if (!record || typeof record !== 'object' || Array.isArray(record)) throw new Error('expected a JSON object');
      if (typeof record.text !== 'string') throw new Error('"text" must be a string');
      if (record.id === undefined) throw new Error('"id" is required');
      const v = classify(record.text);
      answer = {
        id: record.id,
        flagged: v.flagged,
        labels: v.labels,
        scores: v.scores,
        severity: v.severity,
        rationale: v.rationale,
        entities: v.entities,
        classifier: v.classifier,
      };
    } catch (err) {
      failed += 1;
      answer = {
        id: null,
        error: err instanceof SyntaxError ? `not valid JSON: ${err.message}` : (err as Error).message,
      };
    }
    if (!output.write(`${JSON.stringify(answer)}\n`)) await new Promise((r) => output.once('drain', r));
  }
  return failed ? 1 : 0;
}

export function describeText(text: string): string {
  const v = classify(text);
  const lines = [
    `flagged:   ${v.flagged ? 'YES' : 'no'}`,
    `severity:  ${v.severity}`,
    `labels:    ${v.labels.join(', ') || '(none)'}`,
    `scores:    ${Object.entries(v.scores)
      .map(([k, s]) => `${k}=${s.toFixed(2)}`)
      .join('  ')}`,
    'rationale:',
    ...v.rationale.map((r) => `  [${r.start}-${r.end}] ${r.feature.padEnd(10)} ${JSON.stringify(r.text)}`),
    `classifier: ${v.classifier}`,
  ];
  return lines.join('\n');
}
