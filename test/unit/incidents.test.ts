import { describe, expect, it } from 'vitest';
import { districtsOf } from '../../shared/incidents/gazetteer.js';
import { dateInText } from '../../shared/incidents/incident-dates.js';
import { extractIncidents } from '../../shared/incidents/extract.js';
import { linkIncident, type CampaignTargets } from '../../shared/incidents/link.js';

const on = (day: string) => new Date(`${day}T09:00:00Z`);

describe('incident dates', () => {
  it('reads dates and weekdays against the day of publication, in four languages', () => {
    expect(dateInText('on Thursday 23 January', on('2025-01-24'))).toBe('2025-01-23');
    expect(dateInText('on 30 December', on('2025-01-03'))).toBe('2024-12-30');
    expect(dateInText('on Saturday night', on('2025-01-27'))).toBe('2025-01-25');
    expect(dateInText('last Monday', on('2025-01-27'))).toBe('2025-01-20');
    expect(dateInText('overnight', on('2025-01-24'))).toBe('2025-01-23');
    expect(dateInText('zaterdagnacht', on('2024-01-15'))).toBe('2024-01-13');
    expect(dateInText('am 6. Januar', on('2025-01-08'))).toBe('2025-01-06');
    expect(dateInText('le 16 janvier', on('2025-01-20'))).toBe('2025-01-16');
    expect(dateInText('Police are investigating.', on('2025-01-24'))).toBeUndefined();
  });
});

describe('gazetteer', () => {
  it('meets a neighbourhood, its borough and its district', () => {
    expect(districtsOf('Leyton')).toContain('E10');
    expect(districtsOf('Waltham Forest')).toContain('E10');
    expect(districtsOf('Thornton Heath')).toContain('CR7');
  });
});

describe('extractIncidents', () => {
  it('finds one incident per site in a round-up, with its own district and date', () => {
    const text = [
      'Police are investigating a series of graffiti attacks on Muslim sites in London.',
      '- 6 January: slogans were sprayed on the door of South Norwood Islamic Community Centre, SE25.',
      '- 16 January: graffiti was daubed on Thornton Heath Islamic Centre, CR7.',
      '- 23 January: Leyton Jamia Masjid in E10 was defaced overnight.',
    ].join('\n');
    const found = extractIncidents(text, on('2025-01-28'));
    expect(found.map((f) => [f.placeName, f.postcodeDistrict, f.occurredOn, f.act])).toEqual([
      ['South Norwood Islamic Community Centre', 'SE25', '2025-01-06', 'graffiti'],
      ['Thornton Heath Islamic Centre', 'CR7', '2025-01-16', 'graffiti'],
      ['Leyton Jamia Masjid', 'E10', '2025-01-23', 'graffiti'],
    ]);
  });

  it('reads a night of attacks on three roads without postcodes', () => {
    const text =
      'Windows were smashed at a mosque on Birchfield Road in the early hours of Thursday. Shortly afterwards windows were broken at a mosque on Witton Road, Aston, and later at a mosque on Slade Road, Erdington.';
    const found = extractIncidents(text, on('2019-03-21'));
    expect(found.map((f) => f.road).sort()).toEqual(['Birchfield Road', 'Slade Road', 'Witton Road']);
    expect(new Set(found.map((f) => f.act))).toEqual(new Set(['windows_smashed']));
    expect(new Set(found.map((f) => f.occurredOn))).toEqual(new Set(['2019-03-21']));
  });

  it('finds no new act in reports of an offer, a trial, a fundraiser or a vigil', () => {
    for (const text of [
      'A Telegram group offered £100 to anyone who sprayed graffiti on mosques in east London, police said.',
      'A man has been jailed for eight months after admitting spraying graffiti on a mosque in Leyton in January.',
      'Neighbours have raised £3,000 to repair the windows of the gurdwara in Blakenhall that were smashed last month.',
      'Hundreds formed a human chain around West Norwood Mosque on Sunday after graffiti was sprayed on it last week.',
      'The mosque on the high road opens its doors to visitors on Saturday.',
    ])
      expect(extractIncidents(text, on('2025-02-01')), text).toEqual([]);
  });

  it('points at the sentence it read', () => {
    const text =
      "Community leaders met on Monday. A pig's head was left at the gates of a mosque in Toxteth, L8, on Tuesday.";
    const [found] = extractIncidents(text, on('2021-03-29'));
    expect(found).toMatchObject({
      act: 'pigs_head',
      placeType: 'mosque',
      postcodeDistrict: 'L8',
      town: 'Toxteth',
      occurredOn: '2021-03-23',
    });
    expect(text.slice(found!.start, found!.end)).toContain("pig's head");
  });
});

describe('linkIncident', () => {
  const offer: CampaignTargets = {
    id: 1,
    districts: ['E10', 'E15', 'SE25', 'SE27', 'CR7'],
    places: [],
    targetWords: ['mosque', 'school'],
    since: new Date('2025-01-02T20:00:00Z'),
  };
  const birmingham: CampaignTargets = {
    id: 2,
    districts: [],
    places: ['Birchfield Road', 'Witton Road', 'Slade Road'],
    targetWords: ['mosques'],
    since: new Date('2019-03-18T20:00:00Z'),
  };
  const report = (text: string, day: string) => extractIncidents(text, on(day));

  it('links the sites the offer named, in the window after it, with reasons', () => {
    const [leyton] = report('Graffiti was sprayed overnight on Leyton Jamia Masjid in E10.', '2025-01-24');
    const links = linkIncident(leyton!, [offer, birmingham]);
    expect(links.map((l) => l.campaignId)).toEqual([1]);
    expect(links[0]!.reasons.join('; ')).toMatch(/same postcode district E10.*mosque.*21 days after/);
    // A neighbourhood the gazetteer places in a named district counts as that district.
    const [thornton] = report(
      'Graffiti was daubed on the Islamic centre in Thornton Heath on 16 January.',
      '2025-01-17',
    );
    expect(linkIncident(thornton!, [offer]).map((l) => l.campaignId)).toEqual([1]);
  });

  it('links by road for an offer that names roads, and not outside the window, place or kind', () => {
    const sites = report(
      'Windows were smashed at a mosque on Birchfield Road and at a mosque on Slade Road overnight.',
      '2019-03-21',
    );
    expect(sites.flatMap((s) => linkIncident(s, [offer, birmingham]).map((l) => l.campaignId))).toEqual([2, 2]);
    const [late] = report('Graffiti was sprayed on a mosque in E10 on 20 May.', '2025-05-21');
    expect(linkIncident(late!, [offer])).toEqual([]);
    const [elsewhere] = report('Graffiti was sprayed on a mosque in Toxteth, L8, on 10 January.', '2025-01-11');
    expect(linkIncident(elsewhere!, [offer])).toEqual([]);
    const [church] = report("Graffiti was sprayed on St Mary's church in E10 on 10 January.", '2025-01-11');
    expect(linkIncident(church!, [offer])).toEqual([]);
  });
});

describe('extractIncidents on hostile input', () => {
  it('reads a capped prefix of a huge post of place and act words with no full stop', () => {
    // Uncapped, the name search before each of the 6,000 place words split all the text before it again.
    const text = 'graffiti was sprayed on the Leyton mosque and '.repeat(6_000);
    const found = extractIncidents(text, on('2025-01-24'));
    expect(found.every((f) => f.end <= 20_000)).toBe(true);
    expect(found.length).toBeLessThanOrEqual(5);
  });
});
