import { describe, expect, it } from 'vitest';
import { normalize, originalSpan } from '../../../shared/classifier/normalize.js';

const norm = (t: string) => normalize(t).text;

describe('normalize undoes evasion', () => {
  it.each([
    ['leetspeak in words', 'sm4sh the m0sque', 'smash the mosque'],
    ['letter O and I for digits in amounts', '£1OO and £5OO', '£100 and £500'],
    ['text-speak', '100 2 any1 who does it 2nite', '100 2 anyone who does it tonight'],
    ['spaced letters', '1 0 0 q u i d to whoever', '100quid to whoever'],
    ['spaced words', 'spray the s y n a g o g u e', 'spray the synagogue'],
    ['repeated letters', 'smaaaash the mooosque', 'smash the mosque'],
    ['known misspellings', 'the mosk, the windws', 'the mosque, the windows'],
    ['a one-letter slip of a target word', 'the synagouge and the refugess', 'the synagogue and the refugees'],
    ['Cyrillic look-alikes', 'm\u043esque \u0430nd s\u0441hool', 'mosque and school'],
    ['Greek look-alikes', 'm\u03bfsque', 'mosque'],
    ['zero-width and bidi characters', 'mo\u200bsq\u200due \u202espray\u202c', 'mosque spray'],
    ['fullwidth letters (NFKC)', 'Ｐａｙｉｎｇ £１００', 'paying £100'],
    ['keycap digits', '1\ufe0f\u20e30\ufe0f\u20e30\ufe0f\u20e3 quid', '100 quid'],
    ['regional-indicator letters', '\u{1F1F2}\u{1F1F4}\u{1F1F8}\u{1F1F6}\u{1F1FA}\u{1F1EA}', 'mosque'],
    ['emoji that stand for words', '💷 for 🔥 the 🕌', ' £  for  burn  the  mosque '],
  ])('%s', (_, input, expected) => {
    expect(norm(input)).toBe(expected);
  });

  it.each([
    ['postcode districts', 'E10 SE27 CR7 N16'],
    ['@handles', '@pay_day1'],
    ['times and ordinals', '2am 10pm 1st'],
    ['code numbers', '88 14'],
    ['ordinary words near target words', 'touched the widows on patrol with a stray cat'],
    ['plurals', 'one window, many windows'],
  ])('leaves %s as written', (_, input) => {
    expect(norm(input)).toBe(input.toLowerCase());
  });

  it('maps every normalised span back to the characters the author wrote', () => {
    const original = 'Spray the m\u200bo\u0455que 🕌 for £1OO';
    const n = normalize(original);
    const find = (word: string, from = 0) => {
      const start = n.text.indexOf(word, from);
      const span = originalSpan(n, original, start, start + word.length);
      return original.slice(span.start, span.end);
    };
    expect(find('mosque')).toBe('m\u200bo\u0455que');
    expect(find('mosque', n.text.indexOf('mosque') + 1)).toBe('🕌');
    expect(find('£100')).toBe('£1OO');
    expect(find('spray')).toBe('Spray');
  });

  it('needs no offset table for plain ASCII with nothing to undo', () => {
    expect(normalize('Plain text, nothing hidden.').offsets).toBeNull();
  });
});
