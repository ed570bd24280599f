import { z } from 'zod';

export const INCIDENT_ACTS = [
  'graffiti',
  'criminal_damage',
  'windows_smashed',
  'arson',
  'assault',
  'pigs_head',
  'threatening_letter',
] as const;
export type IncidentAct = (typeof INCIDENT_ACTS)[number];

export const PLACE_TYPES = [
  'mosque',
  'synagogue',
  'gurdwara',
  'temple',
  'church',
  'islamic_centre',
  'school',
  'asylum_hotel',
  'refugee_centre',
  'community_centre',
  'shop',
  'other',
] as const;
export type PlaceType = (typeof PLACE_TYPES)[number];

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One act a report says happened, at one place. */
export const extractedIncidentSchema = z.object({
  act: z.enum(INCIDENT_ACTS),
  placeType: z.enum(PLACE_TYPES),
  /** As written: "Leyton Jamia Masjid". */
  placeName: z.string().max(200).nullable(),
  postcodeDistrict: z.string().max(8).nullable(),
  road: z.string().max(200).nullable(),
  /** Town, neighbourhood or borough as written. */
  town: z.string().max(200).nullable(),
  occurredOn: isoDay,
  /** Whether the date came from the text (otherwise the publication day). */
  dated: z.boolean(),
  /** The sentence or list line it came from, as offsets into the report's text. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type ExtractedIncident = z.infer<typeof extractedIncidentSchema>;

/** Why an incident was linked to a campaign, in words an analyst reads. */
export const linkReasonsSchema = z.array(z.string().max(300)).max(20);
export type LinkReasons = z.infer<typeof linkReasonsSchema>;
