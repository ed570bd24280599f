import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { UserRole } from '../../../shared/db/database.js';
import { hashPassword, newSecret } from '../../../shared/password.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import {
  findUser,
  listTokens,
  listUsers,
  revokeToken,
  setPasswordHash,
  setUserDisabled,
} from '../../../shared/repositories/user-admin.repository.js';
import { createUser, ROLES } from '../../../shared/repositories/user.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf, ADMINS } from '../auth.js';
import { idParams } from '../schemas.js';
import { AppError } from '../app-error.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    createdAt: { type: 'string' },
    lastUsedAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
  },
} as const;
const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    email: { type: 'string' },
    role: { type: 'string' },
    createdAt: { type: 'string' },
    disabledAt: { type: ['string', 'null'] },
    tokens: { type: 'array', items: tokenSchema },
  },
} as const;
const reasonBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 3, maxLength: 500 } },
} as const;

/** A password shown once to the admin, who passes it on; only its scrypt hash is kept. */
const onceOnlyPassword = () => newSecret().slice(0, 24);

const createUserSchema = {
  body: {
    type: 'object',
    required: ['email', 'role'],
    additionalProperties: false,
    properties: {
      email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 320 },
      role: { type: 'string', enum: ROLES },
    },
  },
  response: {
    201: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        email: { type: 'string' },
        role: { type: 'string' },
        password: { type: 'string' },
      },
    },
  },
};

/** The users with their tokens, and a new user. */
function accountRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.get(
    '/admin/users',
    {
      config: { roles: ADMINS },
      schema: { response: { 200: { type: 'object', properties: { users: { type: 'array', items: userSchema } } } } },
    },
    async () => {
      const [users, tokens] = await Promise.all([listUsers(db), listTokens(db)]);
      return {
        users: users.map((u) => ({
          id: u.id,
          email: u.email,
          role: u.role,
          createdAt: u.created_at.toISOString(),
          disabledAt: iso(u.disabled_at),
          tokens: tokens
            .filter((t) => t.user_id === u.id)
            .map((t) => ({
              id: t.id,
              name: t.name,
              createdAt: t.created_at.toISOString(),
              lastUsedAt: iso(t.last_used_at),
              revokedAt: iso(t.revoked_at),
            })),
        })),
      };
    },
  );

  app.post<{ Body: { email: string; role: UserRole } }>(
    '/admin/users',
    {
      config: { roles: ADMINS },
      schema: createUserSchema,
    },
    async (request, reply) => {
      const password = onceOnlyPassword();
      const hash = await hashPassword(password);
      try {
        const user = await db.transaction().execute(async (trx) => {
          const u = await createUser(trx, request.body.email, request.body.role, hash);
          await appendAudit(trx, {
            ...actorOf(request),
            action: 'user.create',
            entity: 'app_user',
            entityId: String(u.id),
            details: { email: u.email, role: u.role },
          });
          return u;
        });
        return reply.status(201).send({ ...user, password });
      } catch (err) {
        if ((err as { code?: string }).code === '23505')
          throw new AppError('conflict', `there is already a user ${request.body.email.toLowerCase()}`);
        throw err;
      }
    },
  );
}

/** Locking an account out and letting it back in. */
function disableRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: { id: number }; Body: { reason: string } }>(
      `/admin/users/:id/${verb}`,
      {
        config: { roles: ADMINS },
        schema: {
          params: idParams,
          body: reasonBody,
          response: { 200: { type: 'object', properties: { id: { type: 'integer' }, disabled: { type: 'boolean' } } } },
        },
      },
      async (request) => {
        const { id } = request.params;
        if (disabled && id === request.user!.id)
          throw new AppError('conflict', 'an admin cannot disable their own account');
        const done = await db.transaction().execute(async (trx) => {
          if (!(await setUserDisabled(trx, id, disabled))) return false;
          await appendAudit(trx, {
            ...actorOf(request),
            action: `user.${verb}`,
            entity: 'app_user',
            entityId: String(id),
            details: { reason: request.body.reason },
          });
          return true;
        });
        if (!done) throw new AppError('not_found', `no user ${id}`);
        return { id, disabled };
      },
    );
  }
}

/** A new password, shown once. */
function passwordRoute(app: FastifyInstance, { db }: ApiDeps): void {
  app.post<{ Params: { id: number }; Body: { reason: string } }>(
    '/admin/users/:id/password',
    {
      config: { roles: ADMINS },
      schema: {
        params: idParams,
        body: reasonBody,
        response: { 200: { type: 'object', properties: { id: { type: 'integer' }, password: { type: 'string' } } } },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await findUser(db, id))) throw new AppError('not_found', `no user ${id}`);
      const password = onceOnlyPassword();
      const hash = await hashPassword(password);
      await db.transaction().execute(async (trx) => {
        await setPasswordHash(trx, id, hash);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'user.password_reset',
          entity: 'app_user',
          entityId: String(id),
          details: { reason: request.body.reason },
        });
      });
      return { id, password };
    },
  );
}

/** A token revoked. */
function revokeRoute(app: FastifyInstance, { db }: ApiDeps): void {
  app.post<{ Params: { id: number }; Body: { reason: string } }>(
    '/admin/tokens/:id/revoke',
    {
      config: { roles: ADMINS },
      schema: {
        params: idParams,
        body: reasonBody,
        response: { 200: { type: 'object', properties: { id: { type: 'integer' }, userId: { type: 'integer' } } } },
      },
    },
    async (request) => {
      const { id } = request.params;
      const revoked = await db.transaction().execute(async (trx) => {
        const r = await revokeToken(trx, id);
        if (r)
          await appendAudit(trx, {
            ...actorOf(request),
            action: 'token.revoke',
            entity: 'api_token',
            entityId: String(id),
            details: { userId: r.userId, name: r.name, reason: request.body.reason },
          });
        return r;
      });
      if (!revoked) throw new AppError('not_found', `no live token ${id}`);
      return { id, userId: revoked.userId };
    },
  );
}

/** Accounts and API tokens, for admins: the desk's Users screen. Every change is audited with who and why. */
export const adminUserRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  accountRoutes(app, deps);
  disableRoutes(app, deps);
  passwordRoute(app, deps);
  revokeRoute(app, deps);
};
