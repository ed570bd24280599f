/**
 * The words and phrases behind each interpretable feature, matched on normalised text (lower case,
 * evasions undone). See ../shared/DOMAIN.md for where they come from.
 */

const words = (...alternatives: string[]) => new RegExp(`\\b(?:${alternatives.join('|')})\\b`, 'g');

export const FEATURE_PATTERNS = {
  /** Money named without an amount: crypto, cash emoji (normalised to "£" or "cash"). */
  crypto: words('in (?:btc|bitcoin|crypto|usdt|eth|tether)', 'crypto(?:currency)?', 'bitcoin', 'usdt', 'btc'),
  money_word: /(?:^|\s)£(?=\s|$)|\bcash\b/g,
  offer_frame: words(
    '(?:to|for) (?:anyone|whoever|every|each|the first|the lad|every patriot|the winner)', 'whoever', 'anyone (?:who|that)', 'first (?:person|lad|one) to',
    '(?:per|a|each|every) (?:window|tag|sticker|act|go|photo|pic|task|stencil|gate|site|mosque|door|sticker)', 'each', 'pay(?:s|ing)?', 'paid', 'payment', 'payouts?', 'pays out',
    'earn\\w*', 'get paid', 'rewarded', 'bonus', 'prize', 'wins?', 'money', "in it for (?:you|whoever)", 'make (?:easy |quick )?(?:money|cash)', 'want to (?:earn|make)', 'fancy \\S+ quid',
    'bount(?:y|ies)', 'reward', 'offer(?:ing)? still stands', 'we reward', 'on offer', 'top up your wallet', 'i\'?ll (?:pay|send)', 'we\'?ll (?:pay|send)',
  ),
  status_reward: words('hero(?: status)?', 'hall of fame', 'leaderboard', 'high score', 'top score', 'legend status'),
  job_ad: words('jobs?', 'hiring', 'vacancy', 'part time', 'night shift', 'apply', 'tasks?', 'easy money', 'quick easy money', 'need a job', 'write to us', 'sponsor', 'any takers', 'spare hour'),

  act_vandal: words(
    'spray(?:s|ed|ing)?', 'spray[- ]?paint\\w*', 'tag(?:s|ged|ging)?', 'daub(?:s|ed|ing)?', 'paint(?:s|ed|ing)?', 'graffiti', 'deface\\w*', 'vandal\\w*',
    'stickers?', 'stickered', 'stencil\\w*', 'posters?', 'slogans?', 'symbol', 'scrawl\\w*', 'throw paint', 'paint job', 'decorating', 'leave (?:them )?a message', 'leave your mark',
  ),
  act_damage: words(
    'smash\\w*', 'windows? (?:put )?in', 'put (?:the |their |every )?windows? (?:in|through)', 'through (?:the |every )?windows?', 'bricks?', 'break\\w*', 'broke', 'wreck\\w*', 'trash(?:es|ed|ing)? (?:the|their|that|every|it|a)',
    '(?:per|each|every|a) window', 'windows? through', '(?:you|we) hit', 'hit (?:the|a|every|each|any)',
    '(?:do|does|doing|visit) (?:the |that |every )?(?:mosque|masjid|synagogue|gurdwara|temple|islamic centre|refugee centre|asylum hotel)s?', 'you know what to do',
    'kick\\w* (?:the )?doors? in', 'glue\\w* (?:the )?(?:mosque )?locks?', 'slash\\w* (?:the )?tyres?', 'damage', 'unlivable', 'block the doors',
  ),
  act_fire: words(
    'burn\\w*', 'torch\\w*', 'arson\\w*', 'set\\w* (?:fire|it alight|them alight|the \\w+ alight)', 'alight', 'fire ?bomb\\w*', 'petrol bomb\\w*', 'molotov\\w*', 'up in smoke', 'light (?:it|them) up', 'petrol', 'fire', 'fireworks',
  ),
  act_violence: words('stab\\w*', 'knife', 'knives', 'attack\\w*', 'beat\\w*(?: up)?', 'kicking', 'hunt \\w+ down', 'hunt them', 'kill\\w*', 'shoot\\w*', 'gun', 'storm', 'round them up', 'sort (?:them|\\w+) out', 'teach (?:them|that \\w+) a lesson', 'bomb'),
  act_desecrate: words("pig'?s? heads?", 'pigs? heads?', 'pork', 'bacon'),

  target_place: words(
    'mosques?', 'masjids?', 'madras+as?', 'islamic cent(?:re|er)s?', 'prayer (?:hall|room)s?', 'synagogues?', 'shul', 'gurdwaras?', 'mandirs?', '(?:hindu )?temples?', 'churche?s?', 'church hall',
    'chapels?', 'cathedrals?', '(?:primary |jewish |muslim )?schools?', '(?:asylum|migrant) hotels?', 'hotels?', 'refugee (?:cent(?:re|er)|hostel)s?', 'hostels?', 'community cent(?:re|er)s?',
    'halal (?:shop|butcher)s?', 'kosher shops?', 'shop fronts?', 'warehouse', 'star of david',
  ),
  target_group: words('muslims?', 'islam', 'jews?', 'jewish', 'sikhs?', 'hindus?', 'migrants?', 'immigrants?', 'refugees?', 'asylum seekers?', 'foreigners?', 'these people', 'that lot', 'worshippers'),

  proof: words(
    'send (?:a |us |me |the |your |it )?(?:pic|pics|photo|photos|picture|pictures|video|videos|proof|snap|footage|vid)', '(?:photo|video|picture|pic)s? (?:proof|to|as proof|or no|of|first|when|by|in|required|only)',
    'proof', 'evidence', 'film (?:it|to)', 'filmed', 'record it', 'on camera', "pics or it didn'?t happen", 'snap it', 'screenshot', 'post (?:the |your )?(?:pics?|photos?|proof)', 'photo of', 'pics?',
    'photos?', 'videos?', 'vid',
  ),
  /** Addressed to the reader: what separates an offer from a report about one. */
  direct: /(?:@[a-z0-9_]{3,}|\b(?:you|your|you'?ll|yourself|dm|send|message me|pm me|write to us|get paid|earn)\b)/g,
  contact: /(?:@[a-z0-9_]{3,}|\b(?:dm|dms|pm me|message (?:the |me|us|an )?admin|the admin|admin|payment bot|the bot|bot|write to (?:us|me)|contact (?:the |us|me)|ask for the address|address (?:in the )?pinned)\b|t\.me\/\S+)/g,
  time: words(
    'tonight', 'tomorrow(?: night)?', 'this (?:weekend|week|month|evening)', '(?:mon|tues|wednes|thurs|fri|satur|sun)day(?: night)?', 'before (?:\\w+day|friday prayers|morning)', 'by (?:\\w+day|morning)',
    'midnight', '\\d{1,2}(?::\\d\\d)?\\s?(?:am|pm)', 'after dark', 'after prayers', 'right now', 'asap', 'next weekend', 'same (?:day|night)',
  ),
  /** A sentence that opens with an act, in the imperative ("Smash the windows…", "Burn it down"). */
  imperative: /(?:^|[.!?;]\s+)(?:spray|smash|burn|torch|paint|tag|daub|wreck|firebomb|set fire|stab|attack|storm|flood|put|throw|kick|glue|slash|deface|bring|light|leave|take|make|get|go|hit|hunt|round|spread|cover|chuck|lob)\b/g,
  call: words(
    'go and', 'go (?:out|hit|to|down)', 'some(?:one|body) (?:should |needs to |must |just |go )?(?:torch|burn|smash|spray|chuck|throw|put|do|paint|stab|go)', 'let them (?:wake|know|see|have)', 'get (?:down|over) (?:to|there)', 'someone (?:needs|should|ought|go)', 'somebody (?:needs|should|ought)', "who'?s (?:up for|in|coming|with me)", 'who is up for',
    'who fancies', "let'?s", 'we (?:need|should|must|go|hit)', 'everyone,? (?:get|go|should)', 'all of you', 'all patriots', 'bring (?:bricks|paint|petrol|spray|fireworks|what|the)', 'meet (?:at|outside)',
    'be there', 'time (?:to|for action)', 'do it', 'do the', "don'?t just talk", 'enough talk', 'spread (?:the word|this)', 'show them', 'make sure', 'take your', 'light them up', 'burn it down',
    'masks on', 'reply if', 'you know what to do', 'need volunteers', 'next target', 'tonight we', 'we go tonight', 'start tonight', 'go in groups', 'come on lads', 'storm', 'get the bricks ready',
  ),

  reported: words(
    'said', 'says', 'told', 'tells', 'according to', 'reportedly', 'allegedly', 'alleged?', 'claim(?:s|ed)?', 'understands', 'confirmed', 'heard', 'found', 'believes?', 'stated', 'admitted',
    'announced', 'describes', 'showed', 'offered', 'had offered', 'was offered', 'promised', 'demanded', '(?:was|were|had been|has been|had) (?:offering|offered|paying|paid|promised|promising|posting|posted|recruited|sprayed|daubed|smashed|targeted|vandalised|charged|arrested)',
    '(?:he|she|they|group|channel|man|men|woman|defendant|accused|recruiters|network|teenager|posts?) (?:\\w+ )?(?:paid|offered|promised|posted|demanded|used|admitted)',
  ),
  news_source: words(
    'police', 'detectives?', 'officers?', 'court', 'jury', 'judge', 'sheriff', 'prosecut\\w+', 'defendant', 'accused', 'trial', 'charged', 'arrested', 'sentenced', 'jailed', 'convicted',
    'investigat\\w+', 'inquiry', 'enquiries', 'reports?', 'reported', 'reporting', 'reporters?', 'journalists?', 'researchers?', 'analysts?', 'spokes(?:person|man|woman)', 'bbc', 'the met', 'met police',
    'fact check', 'headlines?', 'news', 'breaking', 'article', 'documentary', 'explainer', 'charge sheet', 'witness(?:es)?', 'cctv', 'media', 'newspaper', 'monitoring', 'kent police', 'the force', 'appeal\\w*',
  ),
  condemn: words(
    'disgust\\w*', 'disgrace\\w*', 'vile', 'shame\\w*', 'sick', 'condemn\\w*', 'solidarity', 'stand with', 'stand together', 'stand in solidarity', 'not in our name', 'will not (?:be )?divide\\w*',
    'hate has no place', 'coward', 'outrage\\w*', 'horrified', 'appalled', 'incitement', 'hate crimes?', "don'?t share", 'do not share', 'stop sharing', "don'?t repost", 'do not engage',
    'report (?:it|this|them|the (?:post|posts|channel|account|offer|group)|anything|any|such|offers)', 'must not', 'must never', 'never condone', 'condone',
    'hateful', 'jail', 'threatening to', 'not ok(?:ay)?', 'unacceptable', 'is wrong', 'do you not realise', 'reported (?:it|to)', "i'?ve reported", 'have been reported', 'has been reported', 'say no', "won'?t be intimidated", 'will be caught',
    'trap', 'scam', 'warning', 'tell mama', 'cst', 'love to', 'we are with you', 'protect', 'reject', "don'?t fall for", 'is not a job', 'passed (?:the|to)', 'vigil',
  ),
  info_reward: words('for (?:any )?info(?:rmation)?', 'information leading', 'with information', 'come forward', 'crimestoppers', 'for info', 'cctv footage', 'dashcam', 'identify the', 'help identify', 'leading to (?:the )?(?:arrest|conviction|prosecution)'),
  fundraise: words('fundrais\\w*', 'donat\\w*', 'gofundme', 'raised', 'raising', 'repairs?', 'repair fund', 'clean[- ]?up', 'volunteers?', 'replaced?', 'restore\\w*', 'proceeds', 'bake sale', 'sponsored', 'repaint\\w*', 'give what you can', 'every pound', 'remove\\w*',
    'clear (?:the )?graffiti', 'paint over', 'clean (?:the |off )', 'cleaned'),
  lawful: words(
    'murals?', 'fence', 'decorator', 'insured', 'insurance', 'references?', 'dbs', 'permission', 'commission\\w*', 'quotes?', 'portfolio', 'per hour', 'an hour', 'a day', 'day rate', 'hourly',
    'workshop', 'legal (?:graffiti )?wall', 'plasterer', 'glazier', 'handyman', 'gardener', 'cleaner', 'window clean\\w*', 'removal', 'contractor', 'wedding', 'leaflets?', 'shed', 'garden', 'bench',
    'living room', 'bedrooms?', 'kitchen', 'bike', 'jet wash', 'designs?', 'artists?', 'for the job', 'paid work', 'materials supplied', 'roofers?', 'tree surgeon', 'signs? writer', 'band',
  ),
  lost_property: words('lost', 'missing', 'found', 'stolen', 'escaped', 'cat', 'dog', 'puppy', 'kittens?', 'parrot', 'tortoise', 'spaniel', 'labrador', 'pet', 'wallet', 'keys', 'phone', 'ring', 'teddy', 'safe return'),
  leisure: words(
    'goals?', 'match', 'league', 'gym', 'sale', 'off', 'tickets?', 'quiz', 'fantasy', 'novel', 'chapter', 'story', 'film', 'game', 'villain', 'character', 'striker', 'defence', 'gig', 'stage',
    'class', 'calories', 'burger', 'deals?', 'prices', 'course', 'tournament', 'bar tab', 'jackpot', 'record', 'exam', 'tour', 'thriller', 'marathon', 'escape room', 'chef', 'crush\\w*', 'team',
    'spray tan', 'paint night', 'season', 'darts', 'boxer', 'rapper', 'track', 'play', 'entry', 'bonfire', 'guy fawkes', 'street art', 'per person', 'a month',
  ),
  hate_word: words(
    'vermin', 'parasites?', 'plague', 'infest\\w*', 'scum', 'filth\\w*', 'invaders?', 'subhuman', 'cancer', 'disease', 'animals', 'breed', 'poison', 'terrorists?', 'greedy', 'dirty', 'evil',
    'disgusting', 'their country', 'because of them', 'disgusting people', 'nobody wants them', 'threat to our', 'think they run', 'when they leave',
    'go back', "don'?t belong", 'never belong', 'not british', 'disappear', 'ruining', 'destroying', 'taking over', 'control everything', 'deserve it', "don'?t deserve", 'not welcome', 'need to leave', 'i hate',
  ),
} as const;

export type PatternFeature = keyof typeof FEATURE_PATTERNS;

/** UK postcode areas: a token shaped like a district counts only with one of these letters in front. */
export const POSTCODE_AREAS = new Set(
  ('AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY ' +
    'L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE').split(' '),
);

/** Money slang and what it is worth in pounds; counted only inside an offer frame ("monkey" is also a slur). */
export const SLANG_GBP: Record<string, number> = {
  fiver: 5, tenner: 10, score: 20, pony: 25, bullseye: 50, nifty: 50, ton: 100, monkey: 500, grand: 1000, bag: 1000,
};

/** Approximate rates to pounds, for ranking amounts only; the currency as written is always kept. */
export const GBP_PER_UNIT: Record<string, number> = { GBP: 1, EUR: 0.85, USD: 0.79, USDT: 0.79, BTC: 70_000, ETH: 2_500 };

export const NUMBER_WORDS: Record<string, number> = {
  a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  hundred: 100, thousand: 1000,
};
