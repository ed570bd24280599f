import { existsSync } from 'node:fs';
import { VOICES_DIR } from '../../cli/corpus.js';
import { externalDataDir } from '../../cli/eval-external.command.js';

/** The data suite measures the classifier on outside data: without it the suite fails, never passes by skipping. */
export default function setup(): void {
  const missing = [
    ...(externalDataDir(undefined, process.env) ? [] : ['HateCheck, Hatemoji and Davidson (../shared/data, or VIGIL_EXTERNAL_DATA)']),
    ...(existsSync(VOICES_DIR()) ? [] : [`the voices data (${VOICES_DIR()})`]),
  ];
  if (missing.length) throw new Error(`the data suite (npm run test:data) needs outside data beside the checkout, missing: ${missing.join('; ')}`);
}
