import type { Verdict } from '../domain/verdict.js';
import { classifyWith } from './classify.js';
import { loadModel } from './model.js';
import modelFile from './model.json' with { type: 'json' };

/** The model shipped in the repository (`vigil train` rebuilds it), loaded once; start-up never trains. */
export const DEFAULT_MODEL = loadModel(modelFile);
export const CLASSIFIER_VERSION = DEFAULT_MODEL.version;

export const classify = (text: string): Verdict => classifyWith(DEFAULT_MODEL, text);
