import places from './uk-postcodes.json' with { type: 'json' };

/**
 * A small gazetteer of UK postcode areas and districts with their neighbourhoods, boroughs and towns
 * (written from public knowledge, see the file's `source`), so that "Leyton", "E10" and "Waltham Forest"
 * meet. Lookups are by lower-cased name.
 */
interface District {
  places: string[];
  borough?: string | null;
  town?: string | null;
}

const districts = places.districts as Record<string, District>;

/** Every district a name stands for: a neighbourhood's own district(s), a borough's or a town's all. */
const byName = new Map<string, Set<string>>();
function index(name: string | null | undefined, district: string): void {
  if (!name) return;
  const key = name.toLowerCase();
  let set = byName.get(key);
  if (!set) byName.set(key, (set = new Set()));
  set.add(district);
}
for (const [district, d] of Object.entries(districts)) {
  for (const p of d.places) index(p, district);
  index(d.borough, district);
  index(d.town, district);
}
const towns = new Set([...places.towns, ...places.boroughs].map((t) => t.toLowerCase()));

/** The districts a place name covers (empty when the gazetteer does not know it). */
export function districtsOf(name: string): string[] {
  return [...(byName.get(name.toLowerCase()) ?? [])];
}

/** The districts a report's place stands for: its postcode, else those of its town or neighbourhood. */
export const districtsOfPlace = (p: { postcodeDistrict: string | null; town: string | null }): string[] =>
  p.postcodeDistrict ? [p.postcodeDistrict] : p.town ? districtsOf(p.town) : [];

/** Whether a name is a known neighbourhood, borough or town. */
export const isKnownPlace = (name: string): boolean => byName.has(name.toLowerCase()) || towns.has(name.toLowerCase());

/** The postcode area of a district ("SE25" is in "SE"). */
export const areaOf = (district: string): string => /^[A-Z]+/.exec(district.toUpperCase())?.[0] ?? '';

/** The neighbourhoods and borough of a district, for matching a report that names the place but no postcode. */
export function namesOf(district: string): string[] {
  const d = districts[district.toUpperCase()];
  return d ? [...d.places, ...(d.borough ? [d.borough] : [])] : [];
}

/** Longest names first, so "South Norwood" is found before "Norwood". */
export const KNOWN_NAMES: string[] = [...new Set([...byName.keys(), ...towns])].sort((a, b) => b.length - a.length);
