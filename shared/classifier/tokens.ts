import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer.js';

const tokenizer = new AggressiveTokenizer();

// Stemming is the main cost of classifying; the vocabulary of real posts repeats, so memoise it.
const stemMemo = new Map<string, string>();
const STEM_MEMO_LIMIT = 200_000;

const NUMBER = /^\d[\d.,]*$/;

function stem(token: string): string {
  // Numbers are endless and all stem alike: never let them fill the memo.
  if (NUMBER.test(token)) return '<num>';
  let s = stemMemo.get(token);
  if (s === undefined) {
    s = PorterStemmer.stem(token);
    if (stemMemo.size >= STEM_MEMO_LIMIT) stemMemo.clear();
    stemMemo.set(token, s);
  }
  return s;
}

/** Feature groups whose co-occurrence carries the signal a bag of words cannot (naive Bayes sees no interactions). */
const COMBOS: [string, string][] = [
  ['money', 'act'], ['money', 'target'], ['act', 'target'], ['offer_frame', 'proof'], ['money', 'proof'], ['money', 'offer_frame'], ['act', 'proof'],
  ['call', 'act'], ['call', 'target'], ['reported', 'money'], ['news_source', 'money'], ['news_source', 'act'], ['reported', 'act'], ['hate_word', 'target_group'],
  ['condemn', 'money'], ['condemn', 'act'], ['time', 'act'], ['lawful', 'money'], ['info_reward', 'money'], ['fundraise', 'money'],
];

/** Groups a fired feature into the coarse classes the combinations use. */
function classesOf(fired: Set<string>): Set<string> {
  const out = new Set(fired);
  for (const f of fired) {
    if (f.startsWith('act_')) out.add('act');
    if (f === 'target_place' || f === 'target_group' || f === 'postcode' || f === 'place_name') out.add('target');
  }
  return out;
}

/** The tokens the naive Bayes model sees: word stems, stem bigrams, and `F:` tokens for the features that fired. */
export function modelTokens(normalizedText: string, fired: Set<string>): Set<string> {
  const stems = tokenizer.tokenize(normalizedText).map(stem);
  const out = new Set<string>(stems);
  for (let i = 1; i < stems.length; i++) out.add(`${stems[i - 1]}_${stems[i]}`);
  const classes = classesOf(fired);
  for (const c of classes) out.add(`F:${c}`);
  for (const [a, b] of COMBOS) if (classes.has(a) && classes.has(b)) out.add(`F:${a}+${b}`);
  return out;
}
