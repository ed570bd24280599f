import { appendFileSync, writeFileSync } from 'node:fs';
import { POSTCODE_AREAS } from '../../shared/classifier/lexicon.js';

/** One line in 33 is an offer (about 3%), the rest everyday chatter. */
export const OFFER_EVERY = 33;

// "B4" reads as slang ("before"), not a district; the other areas give one district per number.
const AREAS = [...POSTCODE_AREAS].filter((a) => a !== 'B');
const district = (k: number) => `${AREAS[k % AREAS.length]}${1 + (Math.floor(k / AREAS.length) % 99)}`;

/**
 * Each offer names a district no earlier one named: a repost of a known campaign is folded into it without
 * paging anyone, but a new target pages, so every offer must become an alert and reach the receiver.
 */
export const offerText = (n: number, k: number) =>
  `£100 to anyone who sprays the mosque in ${district(k)}, send a pic to @payday_admin #${n}`;
export const offerNumber = (text: string) => {
  const m = /#(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
};
export const externalId = (n: number) => `L${n}`;

/** A JSON Lines file the file source tails, appended to as a channel would be, that remembers each offer it wrote. */
export function liveInput(path: string) {
  writeFileSync(path, '');
  let lines = 0;
  let poison = 0;
  /** Offer number → when its line was written. */
  const offers = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;

  const line = (n: number) => {
    if (n % OFFER_EVERY !== OFFER_EVERY - 1)
      return JSON.stringify({ id: externalId(n), text: `Bins are late again on road ${n}, anyone know why?` });
    offers.set(n, Date.now());
    return JSON.stringify({ id: externalId(n), text: offerText(n, offers.size) });
  };
  const append = (count: number) => {
    const batch = Array.from({ length: count }, () => line(lines++));
    appendFileSync(path, `${batch.join('\n')}\n`);
  };

  return {
    path,
    offers,
    written: () => lines + poison,
    poisonWritten: () => poison,
    append,
    /** A line the source must quarantine (it is not counted as a post). */
    appendPoison(raw: string) {
      poison += 1;
      appendFileSync(path, `${raw}\n`);
    },
    /** Appends `perSecond` lines a second, ten times a second, until stop(). */
    stream(perSecond: number) {
      clearInterval(timer);
      timer = setInterval(() => append(Math.ceil(perSecond / 10)), 100);
    },
    stop: () => clearInterval(timer),
  };
}

export type LiveInput = ReturnType<typeof liveInput>;
