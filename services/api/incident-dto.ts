import { INCIDENT_ACTS, PLACE_TYPES } from '../../shared/domain/incident.js';
import type { IncidentRow } from '../../shared/repositories/incident.repository.js';

export const DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

export const incidentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    act: { type: 'string', enum: INCIDENT_ACTS },
    placeType: { type: 'string', enum: PLACE_TYPES },
    place: { type: ['string', 'null'] },
    road: { type: ['string', 'null'] },
    town: { type: ['string', 'null'] },
    postcodeDistrict: { type: ['string', 'null'] },
    occurredOn: DAY,
    dated: { type: 'boolean', description: 'Whether the report gave the day; otherwise it is the day of publication' },
    url: { type: ['string', 'null'] },
    rawSha256: { type: 'string' },
    excerpt: { type: 'string', description: 'The sentence or list line of the report it was read from' },
    links: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          campaignId: { type: 'integer' },
          score: { type: 'integer' },
          reasons: { type: 'array', items: { type: 'string' } },
          linkedBy: { type: 'string' },
        },
      },
    },
  },
} as const;

export const toIncidentDto = (r: IncidentRow) => ({
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
