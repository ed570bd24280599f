import { z } from 'zod';
import { alertsSchema } from './sections/alerts.schema.js';
import { bullBoardSchema, exportsSchema, httpSchema, loginSchema, metricsSchema } from './sections/api.schema.js';
import { auditSchema, evidenceSchema } from './sections/evidence.schema.js';
import { ingestSchema } from './sections/ingest.schema.js';
import { mediaSchema } from './sections/media.schema.js';
import { incidentsSchema, nearMissSchema } from './sections/review.schema.js';
import { databaseSchema, logSchema, redisSchema, workersSchema } from './sections/runtime.schema.js';
import { sourceSchema } from './sections/sources.schema.js';

export { sourceSchema } from './sections/sources.schema.js';

/** The whole config, one module per section under sections/: imports of the schema and its types stay here. */
export const configSchema = z
  .object({
    env: z.enum(['development', 'production', 'test']).default('development'),
    redis: redisSchema,
    database: databaseSchema,
    http: httpSchema,
    login: loginSchema,
    exports: exportsSchema,
    log: logSchema,
    ingest: ingestSchema,
    evidence: evidenceSchema,
    audit: auditSchema,
    workers: workersSchema,
    incidents: incidentsSchema,
    nearMiss: nearMissSchema,
    metrics: metricsSchema,
    bullBoard: bullBoardSchema,
    media: mediaSchema,
    // The bundled demo runs only while no sources are configured; `demo: false` turns it off entirely.
    demo: z.boolean().default(true),
    sources: z.array(sourceSchema).default([]),
    alerts: alertsSchema.prefault({}),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type SourceKind = SourceConfig['kind'];
