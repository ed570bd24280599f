import type { FastifyPluginAsync } from 'fastify';
import { LABEL_NAMES } from '../../../shared/domain/label-names.js';
import { FLAG_LABELS, LABELS } from '../../../shared/domain/verdict.js';
import type { ApiDeps } from '../app.js';
import { READERS } from '../auth.js';

const flagging = new Set<string>(FLAG_LABELS);

/** The label set in words, so the review desk names labels as the alerts and evidence do, from one list. */
export const labelRoutes: FastifyPluginAsync<ApiDeps> = async (app) => {
  app.get(
    '/labels',
    {
      config: { roles: READERS },
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              labels: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    label: { type: 'string', enum: LABELS },
                    name: { type: 'string' },
                    flags: { type: 'boolean', description: 'the label alone flags a post' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ labels: LABELS.map((label) => ({ label, name: LABEL_NAMES[label], flags: flagging.has(label) })) }),
  );
};
