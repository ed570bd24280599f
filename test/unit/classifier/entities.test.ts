import { describe, expect, it } from 'vitest';
import { classify } from '../../../shared/classifier/index.js';

type AmountEntity = { text: string; value: number | null; currency: string; gbp: number | null };
const amounts = (text: string) =>
  (classify(text).entities.amounts as AmountEntity[]).map(({ text, value, currency, gbp }) => ({
    text,
    value,
    currency,
    gbp,
  }));

describe('entities', () => {
  it.each([
    ['£100 to anyone who sprays the mosque', [{ text: '£100', value: 100, currency: 'GBP', gbp: 100 }]],
    ['100 quid for whoever tags it', [{ text: '100 quid', value: 100, currency: 'GBP', gbp: 100 }]],
    ['£1.5k for whoever burns it', [{ text: '£1.5k', value: 1500, currency: 'GBP', gbp: 1500 }]],
    ['€200 for graffiti on the synagogue', [{ text: '€200', value: 200, currency: 'EUR', gbp: 170 }]],
    ['$500 to anyone who torches it', [{ text: '$500', value: 500, currency: 'USD', gbp: 395 }]],
    ['100 USDT per mosque sprayed', [{ text: '100 USDT', value: 100, currency: 'USDT', gbp: 79 }]],
    [
      'two hundred quid for anyone who paints it',
      [{ text: 'two hundred quid', value: 200, currency: 'GBP', gbp: 200 }],
    ],
    ['a ton for whoever daubs the church', [{ text: 'a ton', value: 100, currency: 'GBP', gbp: 100 }]],
    ['a monkey for whoever burns the hotel', [{ text: 'a monkey', value: 500, currency: 'GBP', gbp: 500 }]],
    ['1 0 0 q u i d to whoever smashes it', [{ text: '1 0 0 q u i d', value: 100, currency: 'GBP', gbp: 100 }]],
    ['£1OO for whoever sprays it', [{ text: '£1OO', value: 100, currency: 'GBP', gbp: 100 }]],
  ])('reads the amount in %j, keeping the currency and the text as written', (text, expected) => {
    expect(amounts(text)).toEqual(expected);
  });

  it('counts slang as money only inside an offer frame', () => {
    expect(amounts('He weighs a ton and the monkey at the zoo is funny')).toEqual([]);
  });

  it('finds targets, postcode districts, places, times, proof, contacts and payment channels', () => {
    const text =
      '£100 to anyone who sprays the mosque on Leyton High Road E10 tonight. Send a pic to @payday_admin, paid in BTC.';
    const e = classify(text).entities;
    expect(e.targets).toEqual([expect.objectContaining({ type: 'place', text: 'mosque' })]);
    expect(e.postcodeDistricts).toEqual(['E10']);
    expect(e.places).toEqual(['Leyton High Road']);
    expect(e.times).toEqual(['tonight']);
    expect(e.proof).toEqual(expect.arrayContaining(['Send a pic']));
    expect(e.contacts).toEqual(expect.arrayContaining(['@payday_admin']));
    expect(e.paymentChannels).toEqual(['in BTC']);
  });

  it('takes an upper-case district anywhere but a lower-case one only after "in", "near" or a comma', () => {
    expect(classify('the mosque in e10 tonight').entities.postcodeDistricts).toEqual(['E10']);
    expect(classify('CR7 is where it is').entities.postcodeDistricts).toEqual(['CR7']);
    expect(classify('see you m8, b6 is my bus').entities.postcodeDistricts).toEqual([]);
  });
});
