import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/classifier/analyse.js';
import { classify } from '../../../shared/classifier/index.js';
import { identifyLanguage } from '../../../shared/classifier/language.js';
import { normalize } from '../../../shared/classifier/normalize.js';

/** The cues fired anywhere in a text, as the model sees them. */
const cues = (text: string) => analyse(text).context;

describe('language identification', () => {
  it.each([
    ['en', 'Anyone know what time the bins go out on our road this week, the council website is down again'],
    ['fr', 'Quelqu’un sait à quelle heure passe le bus ce soir ? La ligne est encore en travaux près de la gare'],
    ['de', 'Weiß jemand, ob die Buslinie am Wochenende wieder normal fährt? Die Baustelle macht alles kompliziert'],
    ['nl', 'Weet iemand of de bus vanavond nog rijdt? Er wordt weer gewerkt aan de weg bij het station'],
    ['pl', 'Czy ktoś wie, o której jedzie dziś autobus? Znowu remontują drogę przy dworcu i nic nie jeździ'],
    ['es', '¿Alguien sabe a qué hora pasa el autobús esta noche? Están otra vez de obras cerca de la estación'],
    ['ru', 'Кто-нибудь знает, во сколько сегодня вечером идёт автобус? Опять ремонтируют дорогу у вокзала'],
    ['uk', 'Хтось знає, о котрій сьогодні ввечері їде автобус? Знову ремонтують дорогу біля вокзалу'],
  ])('tells %s, which the classifier covers', (code, text) => {
    expect(identifyLanguage(text)).toEqual({ code, covered: true });
  });

  it('marks a language it has no cues for as not covered, and one too short to tell as covered', () => {
    expect(
      identifyLanguage(
        'Qualcuno sa a che ora passa l’autobus stasera? Stanno di nuovo facendo lavori vicino alla stazione',
      ),
    ).toEqual({ code: 'it', covered: false });
    expect(identifyLanguage('ok 👍')).toEqual({ code: 'und', covered: true });
    expect(
      classify('Qualcuno sa a che ora passa l’autobus stasera? Stanno di nuovo facendo lavori vicino alla stazione'),
    ).toMatchObject({ language: 'it', languageCovered: false });
  });

  it('reads leetspeak and spaced letters as English, not as some other language', () => {
    expect(classify('p4y1ng £60 f0r m0squ3 t4gs. ph0t0 pr00f. dm').language).toBe('en');
  });

  it('keeps words written wholly in Cyrillic as they are, and maps look-alikes only inside Latin words', () => {
    expect(normalize('мечеть').text).toBe('мечеть');
    expect(normalize('m\u043esque').text).toBe('mosque');
    expect(normalize('Łapówka Straße').text).toBe('lapowka strasse');
  });
});

describe('cues in each covered language', () => {
  it.each([
    [
      'fr',
      '200 € pour celui qui tague la mosquée, preuve en vidéo, écris au bot',
      ['money', 'offer_frame', 'act_vandal', 'target_place', 'proof', 'contact'],
    ],
    [
      'de',
      '300 € für jeden, der die Moschee besprüht, Video als Beweis, schreib dem Bot',
      ['money', 'offer_frame', 'act_vandal', 'target_place', 'proof', 'contact'],
    ],
    [
      'nl',
      '250 euro per moskee die je bekladt, filmpje als bewijs, stuur een dm',
      ['money', 'offer_frame', 'act_vandal', 'target_place', 'proof'],
    ],
    [
      'pl',
      '500 zł za każdy meczet pomalowany sprayem, zdjęcie jako dowód, napisz do bota',
      ['money', 'offer_frame', 'act_vandal', 'target_place', 'proof', 'contact'],
    ],
    [
      'es',
      '150 euros por cada pintada en la mezquita, vídeo como prueba, escribe al bot',
      ['money', 'offer_frame', 'act_vandal', 'target_place', 'proof', 'contact'],
    ],
    [
      'ru',
      '5000 рублей за каждую надпись на мечети, фото как доказательство, пиши боту',
      ['money', 'offer_frame', 'act_vandal', 'target_place', 'proof', 'contact'],
    ],
    [
      'uk',
      '2000 грн за кожен напис на мечеті, фото як доказ, пишіть боту',
      ['money', 'offer_frame', 'act_vandal', 'target_place', 'proof'],
    ],
  ])('finds the parts of an offer in %s', (_, text, expected) => {
    expect([...cues(text)]).toEqual(expect.arrayContaining(expected));
  });

  it.each([
    ['fr', 'Selon la police, le groupe offrait 200 euros pour chaque tag', 'reported'],
    ['de', 'Laut Polizei wurden 300 Euro pro Graffiti geboten', 'reported'],
    ['nl', 'Volgens de politie werd 250 euro per klus betaald', 'reported'],
    ['pl', 'Według policji płacono 500 zł za każde zniszczenie', 'reported'],
    ['es', 'Según la policía, el grupo pagaba 150 euros por pintada', 'reported'],
    ['ru', 'По данным полиции, за каждую надпись платили 5000 рублей', 'reported'],
    ['uk', 'За даними поліції, за кожен напис платили 2000 грн', 'reported'],
    ['nl', 'De politie waarschuwt ouders voor deze klusjes', 'condemn'],
  ])('finds reported speech and warnings in %s', (_, text, cue) => {
    expect(cues(text).has(cue)).toBe(true);
  });

  it.each([
    ['en', 'done the one on Green Street, video sent, where is my money'],
    ['fr', 'Fait. Vidéo envoyée, j’attends mes 200'],
    ['de', 'Erledigt, Video geschickt, wo bleibt mein Geld'],
    ['nl', 'Gedaan, gefilmd, betaal me nu'],
    ['pl', 'Zrobione, wysłałem zdjęcie, czekam na kasę'],
    ['es', 'Hecho, vídeo enviado, espero mi dinero'],
    ['ru', 'Готово, фото отправил, жду оплату'],
    ['uk', 'Зроблено, фото надіслав, чекаю гроші'],
  ])('finds a claim and a payment demand in %s', (_, text) => {
    expect(cues(text).has('claim')).toBe(true);
  });

  it('reads rewards in kind and in status, bare price lists, and sabotage targets', () => {
    expect(cues('Free merch and a shoutout for whoever does the dome by the retail park').has('inkind')).toBe(true);
    expect(cues('Whoever does it gets hero status in the channel').has('status_reward')).toBe(true);
    expect(cues('Stickers 20. Paint 80. Windows 150. Proof or nothing.').has('number')).toBe(true);
    expect(cues('1500 USDT pro abgebranntem Fahrzeug, Kabel an der Bahnstrecke').has('target_infra')).toBe(true);
  });
});

describe('verdicts across languages', () => {
  it.each([
    [
      'fr',
      'Job de nuit : 200 € pour celui qui tague la mosquée de Bobigny. Vidéo comme preuve, écris au bot @travail_nuit',
    ],
    ['de', '300 € für jeden, der die Moschee in Marxloh besprüht. Video als Beweis, schreib an @nachtjob_bot'],
    ['pl', 'Praca na weekend: 500 zł za napis na meczecie w Gdańsku. Zdjęcie jako dowód, napisz do @praca_bot'],
    ['es', 'Curro fácil: 150 euros por una pintada en la mezquita de Murcia. Vídeo como prueba, escribe a @curro_bot'],
  ])('flags a bounty offer in %s', (_, text) => {
    const v = classify(text);
    expect(v.flagged).toBe(true);
    expect(v.labels).toContain('bounty_offer');
  });

  it.each([
    [
      'fr',
      'Selon la police, un canal Telegram offrait 200 euros à quiconque taguait une mosquée ; deux jeunes ont été interpellés.',
    ],
    [
      'de',
      'Laut Polizei bot ein Telegram-Kanal 300 Euro für Schmierereien an Moscheen; zwei Jugendliche wurden festgenommen.',
    ],
    [
      'es',
      'Según la policía, un canal de Telegram pagaba 150 euros por pintadas en mezquitas; dos jóvenes fueron detenidos.',
    ],
  ])('does not flag a police report of an offer in %s', (_, text) => {
    expect(classify(text).flagged).toBe(false);
  });
});
