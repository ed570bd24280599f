import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../shared/db/client.js';
import type { UserRole } from '../../shared/db/database.js';
import { userByApiToken, userBySession, type AuthUser } from '../../shared/repositories/user.repository.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser;
    /** The session's CSRF token, for the browser to send back on state changes. */
    csrf?: string;
  }
  interface FastifyContextConfig {
    /** Answers without authentication (health, metrics, login). */
    public?: boolean;
    /** Roles allowed; absent means any signed-in user. */
    roles?: UserRole[];
  }
}

export const SESSION_COOKIE = 'vigil_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const deny = (reply: FastifyReply, status: 401 | 403, message: string, request: FastifyRequest) =>
  reply.status(status).send({ error: status === 401 ? 'unauthenticated' : 'forbidden', message, requestId: request.id });

/**
 * Every route needs a signed-in user unless marked public: a bearer token (scripts) or a session
 * cookie (the browser), where state changes must also carry the session's CSRF token.
 */
export function installAuth(app: FastifyInstance, db: Db): void {
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.public) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      request.user = await userByApiToken(db, bearer);
      if (!request.user) return deny(reply, 401, 'invalid or revoked API token', request);
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie ? await userBySession(db, cookie) : undefined;
      if (!session) return deny(reply, 401, 'sign in first', request);
      if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrf) return deny(reply, 403, 'missing or wrong CSRF token', request);
      request.user = { id: session.id, email: session.email, role: session.role };
      request.csrf = session.csrf;
    }
    if (config.roles && !config.roles.includes(request.user.role)) return deny(reply, 403, `this needs one of the roles ${config.roles.join(', ')}`, request);
    // Routes mounted by plugins under /admin (Bull Board) carry no config of ours: admins only.
    if (request.url.startsWith('/admin/') && request.user.role !== 'admin') return deny(reply, 403, 'administrators only', request);
  });
}

/** Who did it, for the audit log. */
export const actorOf = (request: FastifyRequest) => ({ actor: request.user ? `user:${request.user.email}` : 'anonymous', actorId: request.user?.id ?? null });

export const READERS: UserRole[] = ['analyst', 'duty_officer', 'admin', 'auditor'];
export const DECIDERS: UserRole[] = ['analyst', 'admin'];
export const RESPONDERS: UserRole[] = ['duty_officer', 'analyst', 'admin'];
