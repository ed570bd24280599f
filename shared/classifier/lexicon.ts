import { foldLetters } from './normalize.js';

/**
 * The words and phrases behind each interpretable feature, matched on normalised text (lower case,
 * evasions undone). See ../shared/DOMAIN.md for where they come from.
 */

/** Letters and digits of any script: the edges of a word (JavaScript's \b knows only ASCII). */
const EDGE_BEFORE = '(?<![\\p{L}\\p{N}])';
const EDGE_AFTER = '(?![\\p{L}\\p{N}])';
/** Normalised text has no diacritics ("Moschee", "mosquée" -> "mosquee"), so patterns drop theirs too. */
const bare = (s: string) => foldLetters(s.normalize('NFD').replace(/\p{Mn}/gu, ''));
/**
 * A cue's pattern twice: for any text, and for text that is all ASCII (most posts), where `\b` marks word
 * edges, letters are a-z and alternatives in other scripts cannot match: that one runs in about half the time.
 */
export interface Pattern {
  unicode: RegExp;
  ascii: RegExp;
}
const ASCII_ONLY = /^[\x00-\x7f]*$/;
/** Whole words or phrases, any of the alternatives; `\p{L}*` continues a stem in any script. */
function words(...alternatives: string[]): Pattern {
  const all = alternatives.map(bare);
  const ascii = all.filter((a) => ASCII_ONLY.test(a.replaceAll('\\p{L}', ''))).map((a) => a.replaceAll('\\p{L}*', '[a-z]*'));
  return { unicode: new RegExp(`${EDGE_BEFORE}(?:${all.join('|')})${EDGE_AFTER}`, 'gu'), ascii: new RegExp(`\\b(?:${ascii.join('|')})\\b`, 'g') };
}
/** A hand-written pattern that serves both. */
const both = (re: RegExp): Pattern => ({ unicode: re, ascii: re });

/*
 * Each feature lists English first, then French, German, Dutch, Polish, Spanish, Russian and Ukrainian
 * (one line each where the feature has words of its own in that language). They are cues with learned
 * weights, not rules: a cue that misleads in some context costs only what the model learned it is worth.
 */
export const FEATURE_PATTERNS = {
  /** Money named without an amount: crypto, cash emoji (normalised to "£" or "cash"). */
  crypto: words('in (?:btc|bitcoin|crypto|usdt|eth|tether|ltc|litecoin|xmr|monero)', 'crypto(?:currency)?', 'bitcoin', 'usdt', 'btc', 'litecoin', 'monero', 'krypto\\p{L}*', 'kryptowaluta\\p{L}*', 'criptomoneda\\p{L}*', 'cripto', 'крипт\\p{L}*', 'биткоин\\p{L}*', 'біткоїн\\p{L}*'),
  money_word: both(/(?:^|\s)£(?=\s|$)|\bcash\b|(?<![\p{L}\p{N}])(?:kasa|hajs|kohle|knete|fric|thune|pognon|poen|centen|pasta|pasta gansa|bakschisch|бабки|бабло|гроші|деньги|налом|наличн\p{L}*|bargeld|especes|efectivo|contant|gotowk\p{L}*)(?![\p{L}\p{N}])/gu),
  offer_frame: words(
    '(?:to|for) (?:anyone|whoever|every|each|the first|the lad|every patriot|the winner)', 'whoever', 'anyone (?:who|that)', 'first (?:person|lad|one) to',
    '(?:per|a|each|every) (?:window|tag|sticker|act|go|photo|pic|task|stencil|gate|site|mosque|door|job|hit|one|visit|building|wall|night)', 'each', 'pay(?:s|ing)?', 'paid', 'payment', 'payouts?', 'pays out',
    'earn\\w*', 'get paid', 'rewarded', 'bonus', 'prize', 'wins?', 'money', 'in it for (?:you|whoever)', 'make (?:easy |quick )?(?:money|cash)', 'want to (?:earn|make)', 'fancy \\S+ quid',
    'bount(?:y|ies)', 'reward', 'offer(?:ing)? still stands', 'we reward', 'on offer', 'top up your wallet', "i'?ll (?:pay|send|sort you)", "we'?ll (?:pay|send|sort you)", 'half (?:up ?front|upfront|now|before|after)', 'up ?front', 'rate is', 'going rate', 'price list', 'prices?',
    // fr
    'pay\\p{L}*', 'paie', 'paierai', 'payons', 'remuner\\p{L}*', 'recompense\\p{L}*', 'prime', 'gagne\\p{L}*', 'par (?:tag|photo|vitre|fenetre|mosquee|action|mission|acte|site|nuit)', '(?:a|pour) (?:celui|celle|ceux) qui', 'a qui', 'quiconque', 'la moitie (?:avant|d\'avance)', 'd\'avance',
    // de
    'zahl\\p{L}*', 'bezahl\\p{L}*', 'verdien\\p{L}*', 'belohnung', 'pramie', 'kopfgeld', 'pro (?:tag|foto|fenster|scheibe|moschee|aktion|auftrag|einsatz|objekt|nacht|stuck)', 'wer (?:es|das)', 'fur jeden', 'halfte (?:vorab|vorher|im voraus)', 'vorab', 'im voraus', 'gibt es',
    // nl
    'betaal\\p{L}*', 'betaald', 'verdien\\p{L}*', 'beloning', 'premie', 'per (?:foto|ruit|raam|moskee|actie|klus|tag|nacht|adres)', 'wie (?:het|dit)', 'voor (?:iedereen|wie)', 'helft vooraf', 'vooraf',
    // pl
    'placimy', 'placa', 'placi\\p{L}*', 'place za', 'zaplac\\p{L}*', 'zaplat\\p{L}*', 'wyplat\\p{L}*', 'zarob\\p{L}*', 'nagrod\\p{L}*', 'za (?:kazd\\p{L}*|zdjeci\\p{L}*|szyb\\p{L}*|okno|meczet|akcj\\p{L}*|zlecenie|robot\\p{L}*)', 'kto (?:to|pierwszy)', 'polowa (?:z gory|przed|po)', 'z gory',
    // es
    'pago\\p{L}*', 'pagar\\p{L}*', 'pagamos', 'pagan', 'pagado', 'cobr\\p{L}*', 'recompensa', 'premio', 'ganar', 'gana\\p{L}*', 'por (?:cada|foto|pintada|ventana|mezquita|accion|trabajo|noche)', 'a quien', 'quien (?:lo|se)', 'mitad (?:por adelantado|antes|al principio)', 'por adelantado',
    // ru, uk
    'плач\\p{L}*', 'плат\\p{L}*', 'оплат\\p{L}*', 'заплат\\p{L}*', 'заработ\\p{L}*', 'награда', 'вознагражд\\p{L}*', 'за (?:каждый|каждую|кажд\\p{L}*|фото|окно|акци\\p{L}*|задани\\p{L}*)', 'кто первый', 'половин\\p{L}* (?:вперед|сразу|заранее)', 'аванс',
    'заробіт\\p{L}*', 'заробит\\p{L}*', 'винагород\\p{L}*', 'за (?:кож\\p{L}*|фото|вікно|завдання)', 'хто перший', 'половин\\p{L}* (?:наперед|одразу)',
  ),
  /** Rewards that are not money: goods, drink, drugs, favours, status. */
  inkind: words(
    'free (?:merch|beer|pints?|drinks?|booze|weed|gear|tattoo|hoodie|t-?shirt|membership|entry|tickets?)', 'crate of (?:beer|lager|cans)', 'bottle of \\w+', 'a round on me', 'drinks on me', 'pints? on me', 'bag of (?:weed|gear|green|coke)', 'an eighth', 'henny', 'weed', 'vape',
    'shout-?out', 'rank', 'promoted', 'vip', 'admin rights', 'badge', 'patch', 'respect of the (?:channel|group|lads)', 'your name (?:in|on)', 'on the wall of fame', 'status', 'owe you one', 'sorted for life', 'merch', 'for life', 'lifetime',
    'gratuit\\p{L}*', 'une biere', 'des bieres', 'gratis', 'bier', 'kasten bier', 'ein kasten', 'darmowe', 'piwo', 'skrzynk\\p{L}* piwa', 'cerveza\\p{L}*', 'birra', 'пиво', 'бесплатн\\p{L}*', 'безкоштовн\\p{L}*',
  ),
  status_reward: words('hero(?:es)?(?: status)?', 'hall of fame', 'leaderboard', 'high score', 'top score', 'legend(?: status)?', 'held', 'helden', 'heros?', 'bohater\\p{L}*', 'heroe\\p{L}*', 'герой\\p{L}*', 'героя\\p{L}*', 'легенд\\p{L}*'),
  job_ad: words(
    'jobs?', 'hiring', 'vacancy', 'part time', 'night shift', 'night work', 'apply', 'tasks?', 'easy money', 'quick easy money', 'need a job', 'write to us', 'sponsor', 'any takers', 'spare hour', 'gig', 'side hustle', 'no experience', 'no cv', 'no questions',
    'boulot', 'travail', 'job', 'mission\\p{L}*', 'argent facile', 'nebenjob\\p{L}*', 'minijob', 'auftrag', 'schnelles geld', 'leicht verdient\\p{L}*', 'bijbaan\\p{L}*', 'klus\\p{L}*', 'snel geld', 'makkelijk geld', 'praca', 'prace', 'robot\\p{L}*', 'fuch\\p{L}*', 'zlecen\\p{L}*', 'latwa kasa', 'szybka kasa',
    'trabajo\\p{L}*', 'curro', 'chollo', 'dinero facil', 'dinero rapido', 'работа', 'работу', 'подработк\\p{L}*', 'задани\\p{L}*', 'лёгкие деньги', 'легкие деньги', 'робота', 'роботу', 'підробіт\\p{L}*', 'завдання', 'легкі гроші',
  ),

  act_vandal: words(
    'spray(?:s|ed|ing)?', 'spray[- ]?paint\\w*', 'tag(?:s|ged|ging)?', 'daub(?:s|ed|ing)?', 'paint(?:s|ed|ing)?', 'graffiti', 'deface\\w*', 'vandal\\w*',
    'stickers?', 'stickered', 'stencil\\w*', 'posters?', 'slogans?', 'symbol', 'scrawl\\w*', 'throw paint', 'paint job', 'decorating', 'leave (?:them |it )?a message', 'leave your mark', 'street art', 'artwork', 'redecorat\\w*', 'message on the (?:wall|door|front)', 'writing on the wall', 'letters a foot high', 'eggs?', 'egging', 'paint bombs?',
    'tagu\\p{L}*', 'peind\\p{L}*', 'peint\\p{L}*', 'bomb(?:er|age)', 'graff\\p{L}*', 'inscri\\p{L}*', 'degrad\\p{L}*', 'autocollant\\p{L}*', 'affich\\p{L}*', 'pochoir\\p{L}*',
    'spruh\\p{L}*', 'spruh', 'bespruh\\p{L}*', 'beschmier\\p{L}*', 'schmier\\p{L}*', 'bemal\\p{L}*', 'aufkleber\\p{L}*', 'plakat\\p{L}*', 'schriftzug', 'parole\\p{L}*', 'hakenkreuz\\p{L}*', 'sachbeschadig\\p{L}*', 'schablone\\p{L}*',
    'spuit\\p{L}*', 'beklad\\p{L}*', 'bekladding', 'kalk\\p{L}*', 'leus\\p{L}*', 'stickers?', 'sjabloon',
    'malowa\\p{L}*', 'pomaluj\\p{L}*', 'pomalowa\\p{L}*', 'namaluj\\p{L}*', 'napis\\p{L}*', 'spray\\p{L}*', 'sprej\\p{L}*', 'wlep\\p{L}*', 'naklej\\p{L}*', 'szablon\\p{L}*', 'bazgr\\p{L}*', 'zdewastowa\\p{L}*', 'dewastac\\p{L}*',
    'pint\\p{L}*', 'grafiti\\p{L}*', 'pegatina\\p{L}*', 'cartel\\p{L}*', 'plantilla\\p{L}*', 'esvastic\\p{L}*',
    'рисова\\p{L}*', 'нарисова\\p{L}*', 'надпис\\p{L}*', 'граффити', 'краск\\p{L}*', 'баллончик\\p{L}*', 'наклейк\\p{L}*', 'листовк\\p{L}*', 'свастик\\p{L}*', 'намалю\\p{L}*', 'малюв\\p{L}*', 'напис\\p{L}*', 'фарб\\p{L}*', 'графіті',
  ),
  act_damage: words(
    'smash\\w*', 'windows? (?:put )?in', 'put (?:the |their |every )?windows? (?:in|through)', 'through (?:the |every |their )?windows?', 'bricks?', 'break\\w*', 'broke', 'wreck\\w*', 'trash(?:es|ed|ing)? (?:the|their|that|every|it|a)',
    '(?:per|each|every|a) window', 'windows? through', '(?:you|we) hit', 'hit (?:the|a|every|each|any|it|them)', 'sledgehammer', 'hammer', 'crowbar', 'rocks?', 'stones?', 'cobbles?', 'sabotag\\w*', 'cut (?:the )?(?:cables?|wires?|power|brakes?)', 'cables?',
    '(?:do|does|doing|visit) (?:the |that |every )?(?:mosque|masjid|synagogue|gurdwara|temple|islamic centre|refugee centre|asylum hotel)s?', 'you know what to do', 'pay (?:them|it) a visit', 'a visit',
    'kick\\w* (?:the )?doors? in', 'glue\\w* (?:the )?(?:mosque )?locks?', 'slash\\w* (?:the )?tyres?', 'damage', 'unlivable', 'block the doors', 'pig\'?s? blood',
    'cass\\p{L}*', 'brise\\p{L}*', 'vitres?', 'fenetres?', 'carreaux', 'saccag\\p{L}*', 'defonc\\p{L}*', 'pave\\p{L}*', 'pierres?',
    'einwerf\\p{L}*', 'eingeworfen', 'einschlag\\p{L}*', 'eingeschlagen', 'kaputt\\p{L}*', 'zerstor\\p{L}*', 'scheiben?', 'fenster', 'demolier\\p{L}*', 'steine?', 'pflasterstein\\p{L}*', 'kabel\\p{L}*', 'stellwerk\\p{L}*',
    'ingooi\\p{L}*', 'ingegooid', 'kapot\\p{L}*', 'ruit\\p{L}*', 'ramen', 'sloop\\p{L}*', 'slopen', 'verniel\\p{L}*', 'stenen', 'baksteen', 'kabels?',
    'wybi\\p{L}*', 'wybij\\p{L}*', 'szyb\\p{L}*', 'okn\\p{L}*', 'zniszcz\\p{L}*', 'rozwal\\p{L}*', 'rozbi\\p{L}*', 'kamien\\p{L}*', 'cegl\\p{L}*', 'kabl\\p{L}*', 'nastawni\\p{L}*', 'torow\\p{L}*',
    'romp\\p{L}*', 'roto', 'rotos', 'cristal\\p{L}*', 'ventana\\p{L}*', 'lunas?', 'destroz\\p{L}*', 'destru\\p{L}*', 'piedra\\p{L}*', 'ladrillo\\p{L}*', 'cables?',
    'разби\\p{L}*', 'разбей\\p{L}*', 'окн\\p{L}*', 'стекл\\p{L}*', 'повред\\p{L}*', 'слома\\p{L}*', 'кирпич\\p{L}*', 'камн\\p{L}*', 'кабел\\p{L}*', 'релейн\\p{L}*', 'диверси\\p{L}*',
    'розби\\p{L}*', 'вікн\\p{L}*', 'шибк\\p{L}*', 'пошкод\\p{L}*', 'зламa\\p{L}*', 'цегл\\p{L}*', 'кабел\\p{L}*',
  ),
  act_fire: words(
    'burn\\w*', 'torch\\w*', 'arson\\w*', 'set\\w* (?:fire|it alight|them alight|the \\w+ alight)', 'alight', 'fire ?bomb\\w*', 'petrol bomb\\w*', 'molotov\\w*', 'up in smoke', 'light (?:it|them|the place) up', 'petrol', 'fire', 'fireworks', 'lighter fluid', 'jerry ?can', 'flares?', 'matches', 'blaze',
    'brul\\p{L}*', 'incendi\\p{L}*', 'feu', 'cramer', 'essence', 'cocktail\\p{L}*',
    'anzund\\p{L}*', 'angezundet', 'abfackel\\p{L}*', 'abgefackelt', 'brand\\p{L}*', 'feuer', 'brenn\\p{L}*', 'benzin', 'bollerr?', 'pyro',
    'in brand', 'fik\\p{L}*', 'vuur\\p{L}*', 'benzine', 'brandbom\\p{L}*', 'vuurwerk',
    'podpal\\p{L}*', 'spal\\p{L}*', 'pozar\\p{L}*', 'ogien', 'ognia', 'benzyn\\p{L}*', 'koktajl\\p{L}*',
    'quem\\p{L}*', 'fuego', 'arder', 'gasolina', 'coctel\\p{L}*',
    'подж\\p{L}*', 'сжечь', 'сожг\\p{L}*', 'огонь', 'огнем', 'бензин\\p{L}*', 'коктейл\\p{L}*', 'підпал\\p{L}*', 'спали\\p{L}*', 'вогонь', 'вогнем',
  ),
  act_violence: words(
    'stab\\w*', 'knife', 'knives', 'blade', 'machete', 'attack\\w*', 'beat\\w*(?: up)?', 'kicking', 'hunt \\w+ down', 'hunt them', 'kill\\w*', 'shoot\\w*', 'gun', 'storm', 'round them up', 'sort (?:them|\\w+) out', 'teach (?:them|that \\w+) a lesson', 'bomb', 'hurt', 'bleed', 'do (?:them|him|her) in', 'jump (?:them|him)', 'glass (?:them|him)', 'bats?', 'baseball bats?', 'acid',
    'couteau\\p{L}*', 'poignard\\p{L}*', 'frapp\\p{L}*', 'tabass\\p{L}*', 'attaqu\\p{L}*', 'tuer', 'cogn\\p{L}*',
    'messer', 'abstech\\p{L}*', 'zusammenschlag\\p{L}*', 'verpruge\\p{L}*', 'angreif\\p{L}*', 'angriff\\p{L}*', 'toten', 'klatschen', 'aufmisch\\p{L}*',
    'steken', 'neersteken', 'in elkaar', 'aanvall\\p{L}*', 'afmaken', 'slaan',
    'noz\\p{L}*', 'dzga\\p{L}*', 'pobi\\p{L}*', 'napas\\p{L}*', 'zabi\\p{L}*', 'atak\\p{L}*',
    'cuchill\\p{L}*', 'navaja\\p{L}*', 'apunal\\p{L}*', 'paliza\\p{L}*', 'pegar', 'atac\\p{L}*', 'matar',
    'нож\\p{L}*', 'избить', 'изби\\p{L}*', 'напа\\p{L}*', 'убить', 'атак\\p{L}*', 'ніж', 'ножем', 'побити', 'напад\\p{L}*', 'вбити',
  ),
  act_desecrate: words("pig'?s? heads?", 'pigs? heads?', 'pork', 'bacon', 'pig', 'tete de (?:porc|cochon)', 'schweinekopf', 'schweinefleisch', 'varkenskop', 'varkensvlees', 'swinsk\\p{L}* (?:leb|glow\\p{L}*)', 'cabeza de cerdo', 'свин\\p{L}*'),
  act_harass: words('leaflet\\w*', 'letters? through', 'let them know', 'make them (?:feel|know)', 'scare them', 'intimidat\\w*', 'follow (?:them|him|her) home', 'wait outside', 'stand outside', 'unwelcome', 'not safe', 'won\'?t feel safe'),

  target_place: words(
    'mosques?', 'masjids?', 'madras+as?', 'islamic cent(?:re|er)s?', 'prayer (?:hall|room)s?', 'synagogues?', 'shul', 'gurdwaras?', 'mandirs?', '(?:hindu )?temples?', 'churche?s?', 'church hall',
    'chapels?', 'cathedrals?', '(?:primary |jewish |muslim |faith )?schools?', '(?:asylum|migrant) hotels?', 'hotels?', 'refugee (?:cent(?:re|er)|hostel)s?', 'hostels?', 'community cent(?:re|er)s?',
    'halal (?:shop|butcher)s?', 'kosher shops?', 'shop fronts?', 'warehouse', 'star of david', 'domes?', 'minarets?', 'cent(?:re|er)', 'the (?:place|building|one) (?:on|by|near|behind|opposite)', 'their place', 'that place', 'their building', 'party office', 'signal box', 'railway', 'rail line', 'depot',
    'mosquee\\p{L}*', 'salle de priere', 'synagogue\\p{L}*', 'eglise\\p{L}*', 'ecole\\p{L}*', 'college', 'centre d\'accueil', 'foyer\\p{L}*', 'hotel\\p{L}*', 'local (?:du|de)', 'permanence',
    'moschee\\p{L}*', 'synagoge\\p{L}*', 'kirche\\p{L}*', 'schule\\p{L}*', 'asylheim\\p{L}*', 'asylunterkunft', 'fluchtlings\\p{L}*', 'unterkunft', 'heim', 'erstaufnahme\\p{L}*', 'parteiburo\\p{L}*', 'gemeindezentrum',
    'moskee\\p{L}*', 'synagoge', 'kerk\\p{L}*', 'school', 'azc', 'asielzoekerscentrum', 'opvang\\p{L}*', 'partijkantoor', 'gebedshuis',
    'meczet\\p{L}*', 'synagog\\p{L}*', 'kosciol\\p{L}*', 'koscio\\p{L}*', 'szkol\\p{L}*', 'osrod\\p{L}*', 'biur\\p{L}* (?:partii|posla)', 'dom modlitwy',
    'mezquita\\p{L}*', 'sinagoga\\p{L}*', 'iglesia\\p{L}*', 'escuela\\p{L}*', 'colegio\\p{L}*', 'centro de (?:menores|acogida|refugiados)', 'centro\\p{L}*', 'albergue', 'sede',
    'мечет\\p{L}*', 'синагог\\p{L}*', 'церк\\p{L}*', 'школ\\p{L}*', 'общежити\\p{L}*', 'центр\\p{L}*', 'гуртожит\\p{L}*', 'військкомат\\p{L}*', 'военкомат\\p{L}*', 'офис\\p{L}*', 'офіс\\p{L}*',
  ),
  /** Vehicles, rail and utilities: what sabotage-for-hire recruiters pay to burn or cut. */
  target_infra: words(
    'cars?', 'vans?', 'lorr(?:y|ies)', 'trucks?', 'vehicles?', 'tyres?', 'tires?', 'railway', 'rail(?: line)?', 'tracks?', 'signal box', 'substation', 'pylons?', 'mast', 'cables?', 'depot', 'warehouse', 'plaque', 'sign', 'cctv', 'cameras?',
    'voitures?', 'camion\\p{L}*', 'vehicule\\p{L}*', 'rails?', 'voie\\p{L}*', 'catenaire\\p{L}*', 'ligne', 'lgv', 'auto\\p{L}*', 'lkw', 'fahrzeug\\p{L}*', 'bahn\\p{L}*', 'gleis\\p{L}*', 'kabelschacht', 'strommast\\p{L}*', 'spoor\\p{L}*', 'wagen\\p{L}*', 'bus\\p{L}*',
    'samochod\\p{L}*', 'ciezarowk\\p{L}*', 'pociag\\p{L}*', 'kolej\\p{L}*', 'coche\\p{L}*', 'camion\\p{L}*', 'vehiculo\\p{L}*', 'via\\p{L}*', 'машин\\p{L}*', 'авто\\p{L}*', 'железн\\p{L}*', 'рельс\\p{L}*', 'вышк\\p{L}*', 'залізни\\p{L}*', 'автомоб\\p{L}*',
  ),
  target_group: words(
    'muslims?', 'islam', 'jews?', 'jewish', 'sikhs?', 'hindus?', 'migrants?', 'immigrants?', 'refugees?', 'asylum seekers?', 'foreigners?', 'these people', 'that lot', 'worshippers', 'invaders?', 'boat people', 'small boats?', 'fighting age men',
    'musulman\\p{L}*', 'juif\\p{L}*', 'migrant\\p{L}*', 'refugie\\p{L}*', 'etranger\\p{L}*', 'muslim\\p{L}*', 'jud\\p{L}*', 'auslander\\p{L}*', 'fluchtling\\p{L}*', 'asylant\\p{L}*', 'moslim\\p{L}*', 'joden', 'buitenlander\\p{L}*', 'vluchteling\\p{L}*', 'asielzoeker\\p{L}*',
    'muzulman\\p{L}*', 'zyd\\p{L}*', 'imigrant\\p{L}*', 'uchodzc\\p{L}*', 'obcokrajowc\\p{L}*', 'musulman\\p{L}*', 'judio\\p{L}*', 'inmigrante\\p{L}*', 'refugiado\\p{L}*', 'menas?', 'мусульман\\p{L}*', 'евре\\p{L}*', 'мигрант\\p{L}*', 'беженц\\p{L}*', 'біженц\\p{L}*', 'мігрант\\p{L}*',
  ),

  proof: words(
    'send (?:a |us |me |the |your |it )?(?:pic|pics|photo|photos|picture|pictures|video|videos|proof|snap|footage|vid|clip)', '(?:photo|video|picture|pic)s? (?:proof|to|as proof|or no|of|first|when|by|in|required|only)',
    'proof', 'evidence', 'film (?:it|to)', 'filmed', 'record it', 'on camera', "pics or it didn'?t happen", 'snap it', 'screenshot', 'post (?:the |your )?(?:pics?|photos?|proof)', 'photo of', 'pics?', 'photos?', 'videos?', 'vid', 'clip', 'footage', 'geotag\\w*', 'timestamp\\w*', 'start to finish', 'newspaper in (?:shot|frame)', 'date (?:in|on) (?:shot|frame|it)',
    'preuve\\p{L}*', 'filme\\p{L}*', 'film\\p{L}*', 'video\\p{L}*', 'photo\\p{L}*', 'beweis\\p{L}*', 'foto\\p{L}*', 'bewijs', 'filmpje\\p{L}*', 'zdjec\\p{L}*', 'zdjeci\\p{L}*', 'nagra\\p{L}*', 'dowod\\p{L}*', 'prueba\\p{L}*', 'grab\\p{L}*', 'фото\\p{L}*', 'видео\\p{L}*', 'відео\\p{L}*', 'доказ\\p{L}*', 'сним\\p{L}*', 'зніми\\p{L}*', 'снять', 'в кадре', 'в кадрі', 'w kadrze', 'im bild', 'dans le cadre', 'en el plano',
  ),
  /** Addressed to the reader: what separates an offer from a report about one. */
  direct: both(/(?:@[a-z0-9_]{3,}|\b(?:you|your|you'?ll|yourself|dm|send|message me|pm me|write to us|get paid|earn)\b|(?<![\p{L}\p{N}])(?:tu|vous|ton|ta|votre|envoie|envoyez|ecris|ecrivez|dein\p{L}*|ihr|euch|schreib\p{L}*|schick\p{L}*|jij|jullie|stuur|schrijf|ty|twoj\p{L}*|napisz|wyslij|pisz|tu|usted|vosotros|escribe\p{L}*|envia\p{L}*|manda\p{L}*|ты|вы|пиши\p{L}*|напиши\p{L}*|присыла\p{L}*|ти|ви|пишіть|надішли\p{L}*)(?![\p{L}\p{N}]))/gu),
  contact: both(/(?:@[a-z0-9_]{3,}|\b(?:dm|dms|pm me|message (?:the |me|us|an )?admin|the admin|admin|payment bot|the bot|bot|write to (?:us|me)|contact (?:the |us|me)|ask for the address|address (?:in the )?pinned|inbox|wickr|threema)\b|t\.me\/\S+|(?<![\p{L}\p{N}])(?:ecri\p{L}*|contact\p{L}*|mp|schreib\p{L}*|privat|stuur (?:een )?(?:dm|bericht)|napisz|pisz|priv|escribe\p{L}*|privado|пиш\p{L}*|напиш\p{L}*|личк\p{L}*|бот\p{L}*)(?![\p{L}\p{N}]))/gu),
  time: words(
    'tonight', 'tomorrow(?: night)?', 'this (?:weekend|week|month|evening|friday|saturday)', '(?:mon|tues|wednes|thurs|fri|satur|sun)day(?: night)?', 'before (?:\\w+day|friday prayers|morning)', 'by (?:\\w+day|morning)',
    'midnight', '\\d{1,2}(?::\\d\\d)?\\s?(?:am|pm)', 'after dark', 'after prayers', 'right now', 'asap', 'next weekend', 'same (?:day|night)', 'when it\'?s dark', 'under cover of dark\\w*', 'in the early hours', '[0-2]?\\d[:h][0-5]\\d',
    'ce soir', 'cette nuit', 'demain', 'ce week-?end', 'vendredi', 'samedi', 'heute (?:nacht|abend)', 'morgen', 'wochenende', 'freitag', 'samstag', 'nachts', 'vannacht', 'vanavond', 'morgen', 'weekend', 'vrijdag', 'zaterdag',
    'dzis (?:w nocy|wieczorem)', 'jutro', 'weekend', 'w piatek', 'w sobote', 'noc\\p{L}*', 'esta noche', 'manana', 'fin de semana', 'viernes', 'sabado', 'de madrugada', 'сегодня', 'ночью', 'завтра', 'выходн\\p{L}*', 'сьогодні', 'вночі', 'вихідн\\p{L}*',
  ),
  /** A sentence that opens with an act, in the imperative ("Smash the windows…", "Burn it down"). */
  imperative: both(/(?:^|[.!?;\n]\s*)(?:spray|smash|burn|torch|paint|tag|daub|wreck|firebomb|set fire|stab|attack|storm|flood|put|throw|kick|glue|slash|deface|bring|light|leave|take|make|get|go|hit|hunt|round|spread|cover|chuck|lob|find|wait|visit|pay|show|give|do)\b/g),
  call: words(
    'go and', 'go (?:out|hit|to|down)', 'some(?:one|body) (?:should |needs to |must |just |go |ought to )?(?:torch|burn|smash|spray|chuck|throw|put|do|paint|stab|go|visit|sort)', 'let them (?:wake|know|see|have)', 'get (?:down|over) (?:to|there)', 'someone (?:needs|should|ought|go)', 'somebody (?:needs|should|ought)', "who'?s (?:up for|in|coming|with me)", 'who is up for',
    'who fancies', "let'?s", 'we (?:need|should|must|go|hit|move)', 'everyone,? (?:get|go|should)', 'all of you', 'all patriots', 'bring (?:bricks|paint|petrol|spray|fireworks|what|the|gloves|masks?|a lighter|cans|your)', 'meet (?:at|outside|by|behind)',
    'be there', 'time (?:to|for action)', 'do it', 'do the', "don'?t just talk", 'enough talk', 'spread (?:the word|this)', 'show them', 'make sure', 'take your', 'light them up', 'burn it down',
    'masks on', 'hoods up', 'reply if', 'you know what to do', 'need volunteers', 'next target', 'tonight we', 'we go tonight', 'start tonight', 'go in groups', 'come on lads', 'storm', 'get the bricks ready',
    'it\'?d be a (?:shame|pity)', 'would be a (?:shame|pity)', 'shame if', 'pity if', 'accidents happen', 'just saying', 'nobody would (?:miss|mind|notice)', 'no one would (?:miss|mind|notice)', 'i\'?m not saying', 'hypothetically', 'not that anyone', 'wink',
    'showed the way', 'same again', 'more of (?:this|that)', 'do it again', 'every town', 'who\'?s next', 'next one', 'copy (?:this|that|them)', 'should be everywhere', 'in every town', 'respect to (?:whoever|the lads|the lad)', 'whoever did (?:this|it|that)', 'fair play to', 'more please', 'make it happen', 'step up', 'your turn', 'don\'?t wait',
    'first (?:stickers|paint|the stickers)', 'then (?:paint|the windows|windows|fire|petrol|bricks)', 'next (?:time|week) (?:paint|windows|fire|bricks)',
    'allez', 'allons', 'on y va', 'il faut', 'faut (?:qu\'on|le|les)', 'rendez-vous', 'tous a', 'a vous de jouer', 'qui est chaud', 'qui vient', 'ce serait dommage', 'dommage si',
    'lasst uns', 'los geht', 'auf geht', 'kommt alle', 'wir mussen', 'zeit fur', 'wer ist dabei', 'wer kommt mit', 'treffpunkt', 'ware schade', 'schade wenn', 'macht (?:es|das)', 'holt euch',
    'laten we', 'we moeten', 'kom op', 'allemaal naar', 'wie doet mee', 'wie gaat mee', 'verzamelen', 'zonde als', 'jammer als', 'doe het',
    'chodzmy', 'musimy', 'wszyscy na', 'czas na', 'kto idzie', 'kto jest chetny', 'zbiorka', 'szkoda by', 'zrobcie', 'zrobmy',
    'vamos', 'hay que', 'todos a', 'quedamos', 'quien se apunta', 'quien viene', 'seria una pena', 'lastima si', 'hacedlo', 'hagamoslo',
    'давайте', 'пора', 'все на', 'надо', 'нужно', 'кто с нами', 'собираемся', 'будет жаль', 'сделайте', 'всі на', 'треба', 'хто з нами', 'збираємося', 'зробіть',
  ),
  /** Claiming an act was done, submitting proof, asking to be paid for it. */
  claim: words(
    'done', 'did (?:it|two|three|one|the|that|mine|ours)', 'did \\w+ last night', 'sorted', 'job done', 'jobs? (?:done|finished)', 'finished', 'completed', 'smashed it', 'hit (?:it|the|two|three)', 'ticked off', 'all done', 'that\'?s (?:one|two|three) (?:down|more)', 'one down',
    '(?:pics?|photos?|vids?|videos?|proof|clip) (?:sent|up|attached|in the chat|below|uploaded|posted|incoming)', 'sent (?:the |my |you |it |him )?(?:pics?|photos?|vids?|videos?|proof|clip|it)', 'check (?:your|the) (?:dms?|inbox|bot)', 'see attached', 'as promised',
    'where\'?s my', 'pay (?:me|up)', 'waiting (?:for|on) (?:my|the|payment|the money|the cash)', 'still waiting', 'owed', 'you owe', 'owe me', 'send (?:my|the) (?:money|cash|btc|usdt|payment)', 'wallet (?:is|below|address)', 'my wallet', 'payment (?:please|pending|due)', 'not been paid', 'haven\'?t been paid', 'collect(?:ing)? my',
    '(?:i|we) (?:did|hit|done|sprayed|smashed|torched|tagged|painted|burnt|burned|stickered|visited|got)', 'last night', 'earlier tonight', 'couple of hours ago', 'before dawn', 'in and out', 'nobody saw', 'no one saw', 'cameras (?:were )?(?:off|down)', 'good luck finding', 'they\'?ll never',
    'fait', 'c\'est fait', 'envoye\\p{L}*', 'j\'attends', 'payez', 'paie-moi', 'payez-moi', 'mon argent', 'hier soir', 'cette nuit', 'termine',
    'erledigt', 'fertig', 'gemacht', 'geschickt', 'wo bleibt', 'bitte zahlen', 'mein geld', 'gestern nacht', 'letzte nacht',
    'gedaan', 'klaar', 'gefilmd', 'verstuurd', 'gestuurd', 'betaal (?:nou|maar|me)', 'mijn geld', 'vannacht',
    'zrobione', 'zrobilem', 'zrobilismy', 'gotowe', 'wyslalem', 'wyslane', 'czekam', 'zaplac\\p{L}*', 'placcie', 'moja kasa', 'wczoraj w nocy',
    'hecho', 'listo', 'enviad\\p{L}*', 'espero (?:mi|el|los|mis)', 'pagame', 'pagadme', 'mi dinero', 'anoche',
    'готово', 'сделано', 'сделал\\p{L}*', 'отправил\\p{L}*', 'скинул\\p{L}*', 'жду', 'плати\\p{L}*', 'мои деньги', 'вчера ночью', 'зроблено', 'зробив', 'надіслав', 'скинув', 'чекаю', 'мої гроші', 'вчора вночі',
  ),

  reported: words(
    'said', 'says', 'told', 'tells', 'according to', 'reportedly', 'allegedly', 'alleged?', 'claim(?:s|ed)?', 'understands', 'confirmed', 'heard', 'found', 'believes?', 'stated', 'admitted',
    'announced', 'describes', 'showed', 'offered', 'had offered', 'was offered', 'promised', 'demanded', '(?:was|were|had been|has been|had) (?:offering|offered|paying|paid|promised|promising|posting|posted|recruited|sprayed|daubed|smashed|targeted|vandalised|charged|arrested)',
    '(?:he|she|they|group|channel|man|men|woman|defendant|accused|recruiters|network|teenager|posts?) (?:\\w+ )?(?:paid|offered|promised|posted|demanded|used|admitted)',
    'selon', 'a declare', 'ont declare', 'aurait', 'auraient', 'affirme', 'indique', 'a ete', 'ont ete', 'interpell\\p{L}*', 'mis en examen', 'laut', 'sagte', 'soll', 'sollen', 'nach angaben', 'berichtet', 'wurde\\p{L}*', 'wurden', 'festgenommen', 'ermittl\\p{L}*',
    'volgens', 'zei', 'zegt', 'meldt', 'werd', 'werden', 'aangehouden', 'opgepakt', 'wedlug', 'powiedzial\\p{L}*', 'podobno', 'zostal\\p{L}*', 'zatrzyma\\p{L}*', 'segun', 'dijo', 'afirmo', 'declar\\p{L}*', 'admit\\p{L}*', 'gestand\\p{L}*', 'zeznal\\p{L}*', 'przyzna\\p{L}*', 'verklaarde', 'bekende', 'avoue', 'reconnu', 'признал\\p{L}*', 'визнав', 'habria', 'fue', 'fueron', 'detenid\\p{L}*', 'по данным', 'сообщ\\p{L}*', 'заявил\\p{L}*', 'был\\p{L}*', 'задержа\\p{L}*', 'за даними', 'повідом\\p{L}*', 'заявив', 'затрима\\p{L}*',
  ),
  news_source: words(
    'police', 'detectives?', 'officers?', 'court', 'jury', 'judge', 'sheriff', 'prosecut\\w+', 'defendant', 'accused', 'trial', 'charged', 'arrested', 'sentenced', 'jailed', 'convicted',
    'investigat\\w+', 'inquiry', 'enquiries', 'reports?', 'reported', 'reporting', 'reporters?', 'journalists?', 'researchers?', 'analysts?', 'spokes(?:person|man|woman)', 'bbc', 'the met', 'met police',
    'fact check', 'headlines?', 'news', 'breaking', 'article', 'documentary', 'explainer', 'charge sheet', 'witness(?:es)?', 'cctv', 'media', 'newspaper', 'monitoring', 'kent police', 'the force', 'appeal\\w*', 'council\\w*', 'statement', 'press release', 'live ?blog', 'update:',
    'gendarmerie', 'parquet', 'enquete', 'tribunal', 'proces', 'prefecture', 'journal\\p{L}*', 'polizei', 'staatsanwaltschaft', 'gericht', 'prozess', 'ermittler', 'zeitung', 'bericht', 'politie', 'rechtbank', 'justitie', 'openbaar ministerie',
    'juge', 'accuse\\p{L}*', 'angeklagt\\p{L}*', 'richter\\p{L}*', 'verdachte\\p{L}*', 'rechter', 'oskarzon\\p{L}*', 'sedzi\\p{L}*', 'juez', 'acusad\\p{L}*', 'audiencia', 'обвиняем\\p{L}*', 'судь\\p{L}*', 'обвинуван\\p{L}*',
    'policj\\p{L}*', 'prokurat\\p{L}*', 'sledztw\\p{L}*', 'policia', 'guardia civil', 'mossos', 'fiscalia', 'juzgado', 'juicio', 'investigacion', 'полици\\p{L}*', 'суд\\p{L}*', 'следств\\p{L}*', 'поліці\\p{L}*', 'слідств\\p{L}*', 'сбу',
  ),
  condemn: words(
    'disgust\\w*', 'disgrace\\w*', 'vile', 'shame\\w*', 'sick', 'condemn\\w*', 'solidarity', 'stand with', 'stand together', 'stand in solidarity', 'not in our name', 'will not (?:be )?divide\\w*',
    'hate has no place', 'coward', 'outrage\\w*', 'horrified', 'appalled', 'incitement', 'hate crimes?', "don'?t share", 'do not share', 'stop sharing', "don'?t repost", 'do not engage',
    'report (?:it|this|them|the (?:post|posts|channel|account|offer|group)|anything|any|such|offers)', 'must not', 'must never', 'never condone', 'condone',
    'hateful', 'jail', 'threatening to', 'not ok(?:ay)?', 'unacceptable', 'is wrong', 'do you not realise', 'reported (?:it|to)', "i'?ve reported", 'have been reported', 'has been reported', 'say no', "won'?t be intimidated", 'will be caught',
    'trap', 'scam', 'warning', 'tell mama', 'cst', 'love to', 'we are with you', 'protect', 'reject', "don'?t fall for", 'is not a job', 'passed (?:the|to)', 'vigil', 'don\'?t reply', 'do not reply', 'do not respond', 'don\'?t respond', 'block and report', 'call 101', '101', '999',
    'warns?', 'warned', 'avert\\p{L}*', 'mise en garde', 'warnt', 'gewarnt', 'waarschuw\\p{L}*', 'ostrzeg\\p{L}*', 'advierte\\p{L}*', 'alerta\\p{L}*', 'предупрежда\\p{L}*', 'предупредил\\p{L}*', 'попереджа\\p{L}*', 'попередив',
    'ne repondez pas', 'signal\\p{L}*', 'attention', 'arnaque', 'piege', 'honte', 'condamn\\p{L}*', 'ne partagez pas', 'delit', 'plainte',
    'nicht antworten', 'melde\\p{L}*', 'gemeldet', 'anzeige', 'warnung', 'vorsicht', 'schande', 'verurteil\\p{L}*', 'nicht teilen', 'straftat', 'betrug',
    'niet reageren', 'melden', 'gemeld', 'aangifte', 'pas op', 'oplichting', 'waarschuwing', 'schande', 'niet delen', 'strafbaar',
    'nie odpowiadaj\\p{L}*', 'zglos\\p{L}*', 'zglosil\\p{L}*', 'uwaga', 'oszust\\p{L}*', 'ostrzez\\p{L}*', 'hanba', 'nie udostepniaj', 'przestepstw\\p{L}*',
    'no respond\\p{L}*', 'denunci\\p{L}*', 'cuidado', 'estafa', 'ojo', 'verguenza', 'condena\\p{L}*', 'no compartas', 'delito',
    'не отвечайте', 'сообщите', 'осторожно', 'мошен\\p{L}*', 'позор', 'не ведитесь', 'преступлени\\p{L}*', 'не відповідайте', 'повідомте', 'обережно', 'шахра\\p{L}*', 'ганьба', 'злочин\\p{L}*',
  ),
  info_reward: words('for (?:any )?info(?:rmation)?', 'information leading', 'with information', 'come forward', 'crimestoppers', 'for info', 'cctv footage', 'dashcam', 'identify the', 'help identify', 'leading to (?:the )?(?:arrest|conviction|prosecution)', 'temoins?', 'appel a temoins', 'zeugen\\p{L}*', 'hinweise', 'getuigen', 'tips', 'swiadk\\p{L}*', 'testigos?', 'свидетел\\p{L}*', 'свідк\\p{L}*'),
  fundraise: words('fundrais\\w*', 'donat\\w*', 'gofundme', 'raised', 'raising', 'repairs?', 'repair fund', 'clean[- ]?up', 'volunteers?', 'replaced?', 'restore\\w*', 'proceeds', 'bake sale', 'sponsored', 'repaint\\w*', 'give what you can', 'every pound', 'remove\\w*',
    'clear (?:the )?graffiti', 'paint over', 'clean (?:the |off )', 'cleaned', 'cagnotte', 'nettoy\\p{L}*', 'spende\\p{L}*', 'reinig\\p{L}*', 'inzameling', 'schoonmaak\\p{L}*', 'zbiorka', 'sprzata\\p{L}*', 'donacion\\p{L}*', 'limpi\\p{L}*', 'сбор\\p{L}*', 'збір'),
  lawful: words(
    'murals?', 'fence', 'decorator', 'insured', 'insurance', 'references?', 'dbs', 'permission', 'commission\\w*', 'quotes?', 'portfolio', 'per hour', 'an hour', 'a day', 'day rate', 'hourly', '/hr', 'per sq',
    'workshop', 'legal (?:graffiti )?wall', 'plasterer', 'glazier', 'handyman', 'gardener', 'cleaner', 'window clean\\w*', 'removal', 'contractor', 'wedding', 'leaflets?', 'shed', 'garden', 'bench',
    'living room', 'bedrooms?', 'kitchen', 'bike', 'jet wash', 'designs?', 'artists?', 'for the job', 'paid work', 'materials supplied', 'roofers?', 'tree surgeon', 'signs? writer', 'band', 'landlord', 'tenant', 'invoice', 'vat', 'living wage', 'apply online', 'cv', 'interview',
    'peintre', 'devis', 'artisan', 'maler\\p{L}*', 'angebot', 'schilder\\p{L}*', 'offerte', 'malarz\\p{L}*', 'remont\\p{L}*', 'pintor\\p{L}*', 'presupuesto', 'маляр\\p{L}*', 'ремонт\\p{L}*',
  ),
  lost_property: words('lost', 'missing', 'found', 'stolen', 'escaped', 'cat', 'dog', 'puppy', 'kittens?', 'parrot', 'tortoise', 'spaniel', 'labrador', 'pet', 'wallet', 'keys', 'phone', 'ring', 'teddy', 'safe return'),
  leisure: words(
    'goals?', 'match', 'league', 'gym', 'sale', 'off', 'tickets?', 'quiz', 'fantasy', 'novel', 'chapter', 'story', 'film', 'game', 'gaming', 'villain', 'character', 'striker', 'defence', 'gig', 'stage', 'quest', 'npc', 'boss', 'level', 'loot', 'xp', 'raid', 'server', 'speedrun', 'mod', 'dlc', 'patch notes',
    'class', 'calories', 'burger', 'deals?', 'prices', 'course', 'tournament', 'bar tab', 'jackpot', 'record', 'exam', 'tour', 'thriller', 'marathon', 'escape room', 'chef', 'crush\\w*', 'team',
    'spray tan', 'paint night', 'season', 'darts', 'boxer', 'rapper', 'track', 'play', 'entry', 'bonfire', 'guy fawkes', 'street art', 'per person', 'a month', 'bug bounty', 'vulnerabilit\\w*', 'ctf', 'hackerone', 'paintball', 'airsoft',
    'jeu', 'partie', 'joueur', 'spiel', 'spieler', 'prime de match', 'spel', 'gra', 'gracz\\p{L}*', 'juego', 'partida', 'игр\\p{L}*', 'гра',
  ),
  hate_word: words(
    'vermin', 'parasites?', 'plague', 'infest\\w*', 'scum', 'filth\\w*', 'invaders?', 'subhuman', 'cancer', 'disease', 'animals', 'breed', 'poison', 'terrorists?', 'greedy', 'dirty', 'evil',
    'disgusting', 'their country', 'because of them', 'disgusting people', 'nobody wants them', 'threat to our', 'think they run', 'when they leave', 'remigration', 'replacement', 'replaced', 'invasion', 'occupation', 'army',
    'go back', "don'?t belong", 'never belong', 'not british', 'disappear', 'ruining', 'destroying', 'taking over', 'control everything', 'deserve it', "don'?t deserve", 'not welcome', 'need to leave', 'i hate',
    'vermine', 'parasite\\p{L}*', 'envahisseur\\p{L}*', 'ungeziefer', 'parasit\\p{L}*', 'invasoren', 'ongedierte', 'robactwo', 'pasozyt\\p{L}*', 'najezdzc\\p{L}*', 'alimana\\p{L}*', 'invasor\\p{L}*', 'паразит\\p{L}*', 'нечисть',
  ),
} satisfies Record<string, Pattern>;

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
export const GBP_PER_UNIT: Record<string, number> = { GBP: 1, EUR: 0.85, USD: 0.79, USDT: 0.79, BTC: 70_000, ETH: 2_500, LTC: 60, PLN: 0.2, RUB: 0.009, UAH: 0.019 };

export const NUMBER_WORDS: Record<string, number> = {
  a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  hundred: 100, thousand: 1000,
};
