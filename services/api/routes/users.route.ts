import type { FastifyPluginAsync } from 'fastify';
import { listActiveUsers } from '../../../shared/repositories/user.repository.js';
import type { ApiDeps } from '../app.js';
import { DECIDERS } from '../auth.js';

/** Who can be given an item: the desk's assignment picker. Names and roles only, never credentials. */
export const userRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get(
    '/users',
    {
      config: { roles: DECIDERS },
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              users: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'integer' }, email: { type: 'string' }, role: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ users: await listActiveUsers(db) }),
  );
};
