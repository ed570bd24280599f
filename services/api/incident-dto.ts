import { z } from 'zod';
import { extractedIncidentSchema, linkReasonsSchema } from '../../shared/domain/incident.js';
import type { IncidentRow } from '../../shared/repositories/incident.repository.js';
import { responseSchemaOf } from './schemas.js';

export const DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

/** An incident as the API answers it: what was done where comes from the domain's extracted incident. */
const incidentViewSchema = extractedIncidentSchema
  .pick({ act: true, placeType: true, road: true, town: true, postcodeDistrict: true, occurredOn: true })
  .extend({
    id: z.number().int(),
    place: extractedIncidentSchema.shape.placeName,
    dated: z.boolean().describe('Whether the report gave the day; otherwise it is the day of publication'),
    url: z.string().nullable(),
    rawSha256: z.string(),
    excerpt: z.string().describe('The sentence or list line of the report it was read from'),
    links: z.array(
      z.object({
        campaignId: z.number().int(),
        score: z.number().int(),
        reasons: linkReasonsSchema,
        linkedBy: z.string(),
      }),
    ),
  });
type IncidentView = z.infer<typeof incidentViewSchema>;

export const incidentSchema = responseSchemaOf(incidentViewSchema);

export const toIncidentDto = (r: IncidentRow): IncidentView => ({
  id: r.id,
  act: r.act,
  placeType: r.place_type,
  place: r.place_name,
  road: r.road,
  town: r.town,
  postcodeDistrict: r.postcode_district,
  occurredOn: r.occurred_on,
  dated: r.dated,
  url: r.url,
  rawSha256: r.raw_sha256,
  excerpt: r.excerpt,
  links: r.links,
});
