import type { FastifyPluginAsync } from 'fastify';
import { listIncidents } from '../../../shared/repositories/incident.repository.js';
import type { ApiDeps } from '../app.js';
import { READERS } from '../auth.js';
import { DAY, incidentSchema, toIncidentDto } from '../incident-dto.js';

interface IncidentQuery {
  area?: string;
  from?: string;
  to?: string;
  linked?: boolean;
  limit: number;
  offset: number;
}

/** Reports of acts read from news and statements, and the campaigns they may answer. */
export const incidentRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get<{ Querystring: IncidentQuery }>(
    '/incidents',
    {
      config: { roles: READERS },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            area: {
              type: 'string',
              pattern: '^[A-Za-z]{1,2}(\\d{1,2}[A-Za-z]?)?$',
              description: 'A postcode area ("E") or district ("E10")',
            },
            from: DAY,
            to: DAY,
            linked: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: { 200: { type: 'object', properties: { incidents: { type: 'array', items: incidentSchema } } } },
      },
    },
    async (request) => ({ incidents: (await listIncidents(db, request.query)).map(toIncidentDto) }),
  );
};
