import '@fastify/cookie';
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginCallback, FastifyRequest, RouteOptions } from 'fastify';
import type { Db } from '../../shared/db/client.js';
import type { UserRole } from '../../shared/db/database.js';
import { userByApiToken, userBySession, type AuthUser } from '../../shared/repositories/user.repository.js';
import { AppError, replyWithError } from './app-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser;
    /** The session's CSRF token, for the browser to send back on state changes. */
    csrf?: string;
    /** How the user signed in: a bearer token (scripts) or a session cookie (the browser). */
    via?: 'token' | 'session';
  }
  interface FastifyContextConfig {
    /** Answers without a signed-in user (the desk's static shell, login, /healthz, /metrics). */
    public?: boolean;
    /** Roles allowed. A route that is neither public nor declares roles answers no one (deny by default). */
    roles?: readonly UserRole[];
  }
}

export const SESSION_COOKIE = 'vigil_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One registered route as the router will match it, with the access it declared. */
export interface RouteAccess {
  method: string;
  url: string;
  public: boolean;
  roles: readonly UserRole[];
}

/** The URL as registered, and the route's options, whose config plugins' onRoute hooks may still stamp. */
type Registered = { url: string; route: RouteOptions };
const routeTables = new WeakMap<FastifyInstance, Registered[]>();

/** Every route of the app and who may call it, read from the routes themselves (tests, docs/security.md). */
export function routeTable(app: FastifyInstance): RouteAccess[] {
  return (routeTables.get(app) ?? []).flatMap(({ url, route }) =>
    [route.method].flat().map((method) => ({
      method,
      url,
      public: route.config?.public === true,
      roles: route.config?.public ? [] : (route.config?.roles ?? []),
    })),
  );
}

/**
 * Registers a third-party plugin (Bull Board, the API docs) whose routes declare no roles of ours, stamping
 * `roles` (or the roles a function gives for the route's URL) on each route it adds, so the one
 * authorisation hook decides on them like on any other route.
 */
export function withRoles(
  roles: readonly UserRole[] | ((url: string) => readonly UserRole[]),
  plugin: FastifyPluginCallback | FastifyPluginAsync,
  opts: Record<string, unknown> = {},
): FastifyPluginAsync {
  return async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = {
        ...route.config,
        roles: route.config?.roles ?? (typeof roles === 'function' ? roles(route.url) : roles),
      };
    });
    await scope.register(plugin, opts);
  };
}

/**
 * Authorisation is decided on the route the router matched (`request.routeOptions`), never on the raw URL:
 * the router decodes and normalises paths, so a URL test (`/%61dmin/…`) and the route can disagree. Every
 * route needs a signed-in user unless marked public: a bearer token (scripts) or a session cookie (the
 * browser), where state changes must also carry the session's CSRF token. A route that declares no roles
 * answers no one; a URL that matches no route answers 404 to signed-in users only, so the route table is
 * not readable without an account.
 */
export function installAuth(app: FastifyInstance, db: Db): void {
  const routes: Registered[] = [];
  routeTables.set(app, routes);
  // The options are kept by reference: plugins' own onRoute hooks (withRoles) run after this one and stamp the
  // config. The URL is copied: Fastify reuses the options for a prefix's trailing-slash twin.
  app.addHook('onRoute', (route) => {
    routes.push({ url: route.url, route });
  });

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.public && !request.is404) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      request.user = await userByApiToken(db, bearer);
      if (!request.user)
        return replyWithError(reply, request, new AppError('unauthenticated', 'invalid or revoked API token'));
      request.via = 'token';
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie ? await userBySession(db, cookie) : undefined;
      if (!session) return replyWithError(reply, request, new AppError('unauthenticated', 'sign in first'));
      if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrf)
        return replyWithError(reply, request, new AppError('forbidden', 'missing or wrong CSRF token'));
      request.user = { id: session.id, email: session.email, role: session.role };
      request.csrf = session.csrf;
      request.via = 'session';
    }
    if (request.is404) return;
    const roles = config.roles ?? [];
    if (!roles.includes(request.user.role))
      return replyWithError(
        reply,
        request,
        new AppError(
          'forbidden',
          roles.length ? `this needs one of the roles ${roles.join(', ')}` : 'this route is open to no role',
        ),
      );
  });
}

/**
 * Whether a request comes from this service's own pages, or from the user's own navigation (typed, a
 * bookmark, a link opened from another app), rather than from another site's page. The session cookie is
 * SameSite=Strict, but a site ignores ports: a page on another port of this host is same-site and the
 * browser sends it the cookie. Browsers say where a request comes from in Sec-Fetch-Site; older ones only
 * in Origin, and then not on plain GETs, which therefore do not pass. A bearer token is never attached by
 * a browser on another page's behalf (no CORS here).
 */
export function fromOwnPages(request: FastifyRequest): boolean {
  if (request.via === 'token') return true;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  try {
    return request.headers.origin !== undefined && new URL(request.headers.origin).host === request.host;
  } catch {
    return false;
  }
}

/** Who did it, for the audit log. */
export const actorOf = (request: FastifyRequest) => ({
  actor: request.user ? `user:${request.user.email}` : 'anonymous',
  actorId: request.user?.id ?? null,
});

export const READERS: readonly UserRole[] = ['analyst', 'duty_officer', 'admin', 'auditor'];
export const DECIDERS: readonly UserRole[] = ['analyst', 'admin'];
export const RESPONDERS: readonly UserRole[] = ['duty_officer', 'analyst', 'admin'];
export const ADMINS: readonly UserRole[] = ['admin'];
