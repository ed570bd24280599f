import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import { createSession, deleteSession, findUserByEmail } from '../../../shared/repositories/user.repository.js';
import { verifyLogin } from '../../../shared/password.js';
import type { RouteDeps } from '../app.js';
import { READERS, SESSION_COOKIE } from '../auth.js';
import { loginThrottle } from '../login-throttle.js';
import { AppError } from '../app-error.js';

const user = {
  type: 'object',
  properties: { id: { type: 'integer' }, email: { type: 'string' }, role: { type: 'string' } },
} as const;

const loginSchema = {
  body: {
    type: 'object',
    required: ['email', 'password'],
    additionalProperties: false,
    properties: { email: { type: 'string', maxLength: 320 }, password: { type: 'string', maxLength: 1024 } },
  },
  response: { 200: { type: 'object', properties: { user, csrfToken: { type: 'string' } } } },
};

/** Refuses a sign-in over the attempt limit, or any sign-in while the shared counts cannot be read. */
async function refuseThrottled(
  throttle: ReturnType<typeof loginThrottle>,
  request: FastifyRequest<{ Body: { email: string } }>,
): Promise<void> {
  let wait: number | undefined;
  try {
    wait = await throttle(request);
  } catch (err) {
    // Without the shared counts there is no throttle: refuse rather than let guesses through.
    request.log.warn({ err }, 'login throttle unavailable');
    throw new AppError('unavailable', 'sign-in is unavailable for a moment, try again');
  }
  if (wait !== undefined)
    throw new AppError('rate_limited', `too many sign-in attempts, try again in ${wait} s`, {
      'retry-after': String(wait),
    });
}

export const sessionRoutes: FastifyPluginAsync<RouteDeps> = async (app, { db, secureCookies, login }) => {
  const throttle = loginThrottle(app, login);

  app.post<{ Body: { email: string; password: string } }>(
    '/login',
    {
      config: { public: true },
      schema: loginSchema,
    },
    async (request, reply) => {
      await refuseThrottled(throttle, request);
      const found = await findUserByEmail(db, request.body.email);
      const ok = await verifyLogin(request.body.password, found?.password_hash);
      await db.transaction().execute((trx) =>
        appendAudit(trx, {
          actor: `login:${request.body.email.toLowerCase()}`,
          actorId: ok ? found!.id : null,
          action: ok ? 'session.login' : 'session.login_failed',
          entity: 'app_user',
          entityId: found ? String(found.id) : null,
          details: { ip: request.ip },
        }),
      );
      if (!found || !ok) throw new AppError('unauthenticated', 'wrong email or password');
      const session = await createSession(db, found.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        path: '/',
        expires: session.expiresAt,
      });
      return { user: { id: found.id, email: found.email, role: found.role }, csrfToken: session.csrf };
    },
  );

  app.post(
    '/logout',
    { config: { roles: READERS }, schema: { response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) await deleteSession(db, cookie);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/me',
    {
      config: { roles: READERS },
      schema: { response: { 200: { type: 'object', properties: { user, csrfToken: { type: ['string', 'null'] } } } } },
    },
    async (request) => ({ user: request.user, csrfToken: request.csrf ?? null }),
  );
};
