import { describe, expect, it } from 'vitest';
import { classify } from '../../../shared/classifier/index.js';

/** The cases in ../shared/DOMAIN.md as journalists, police and community groups write about them: reporting is never an offer. */
const REPORTS = [
  'Police are investigating whether graffiti found at mosques in West Norwood, South Norwood and Thornton Heath is linked. Officers were called on Monday morning to reports of anti-Muslim slogans daubed on the buildings.',
  'A Telegram channel offered £100 to anyone who vandalised a mosque and could prove it with a photo, according to researchers who monitored the group. They have not named the channel to avoid encouraging copycats.',
  'Detectives said seven buildings, including a primary school in Leyton, had been targeted in three weeks. Anyone with information is asked to call 101 or Crimestoppers anonymously on 0800 555 111.',
  'Counter-terrorism officers are investigating after windows were smashed at five mosques in Birmingham overnight. A man seen carrying a sledgehammer was arrested on Thursday, West Midlands Police said.',
  'Prosecutors in Poland say recruits found through Telegram job chats were paid between $750 and $1,000 for each arson attack, and had to film the act to a script before receiving payment in cryptocurrency.',
  'Statement from the mosque committee: our building was defaced overnight. We have reported it to the police and Tell MAMA. Please do not share photos of the graffiti. We stand together with our neighbours.',
  'Four men were charged after Stars of David were stencilled on buildings in Paris in 2023; investigators believe they were paid to do it and to send photographs as proof.',
  'Reporting on the network found posters with QR codes leading to Telegram channels, cryptocurrency offered for attacks on mosques, and recruits routed to private chat bots.',
  'After the London Bridge attack in June 2017, the Met recorded 20 Islamophobic incidents in a single day, against a daily average of 3.5.',
  'Community alert: if you see posts offering money for graffiti or damage to places of worship, do not engage. Screenshot it, report it to the platform and to the police on 101.',
];

describe('reports of the incidents in DOMAIN.md', () => {
  it.each(REPORTS)('stays unflagged: %j', (text) => {
    const v = classify(text);
    expect(v.labels.filter((l) => l === 'bounty_offer' || l === 'call_to_action' || l === 'claim')).toEqual([]);
    expect(v.flagged).toBe(false);
  });
});
