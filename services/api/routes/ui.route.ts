import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { packageRoot } from '../../../shared/paths.js';
import type { ApiDeps } from '../app.js';
import { idParams } from '../schemas.js';
import { AppError } from '../app-error.js';

/** The review desk's own script and style only; no inline code, nothing from elsewhere. */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const JS = 'text/javascript; charset=utf-8';
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js': JS,
  'dom.js': JS,
  'desk.js': JS,
  'detail.js': JS,
  'pages.js': JS,
  'campaign.js': JS,
  'admin.js': JS,
};

/**
 * Serves the files of the review desk, read once at start. They hold no data: the shell must load before
 * anyone can sign in, and every call it makes needs a session. An item's own address, /ui/items/<id> (the
 * link alerts carry), is the same shell; the desk's script reads the address and opens the item once the
 * user is signed in.
 */
export const uiRoutes: FastifyPluginAsync<ApiDeps> = async (app) => {
  const dir = join(packageRoot(), 'services', 'api', 'ui');
  const files = Object.fromEntries(
    Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(join(dir, name)) }]),
  );
  app.get('/', { config: { public: true } }, (_request, reply) => reply.redirect('/ui/'));
  app.get<{ Params: { file?: string } }>('/ui/:file?', { config: { public: true } }, (request, reply) => {
    const asset = files[request.params.file || 'index.html'];
    if (!asset) throw new AppError('not_found', 'no such file');
    return reply
      .header('content-security-policy', UI_CSP)
      .header('cache-control', 'no-cache')
      .type(asset.type)
      .send(asset.body);
  });
  app.get('/ui/items/:id', { config: { public: true }, schema: { params: idParams } }, (_request, reply) => {
    const shell = files['index.html']!;
    return reply
      .header('content-security-policy', UI_CSP)
      .header('cache-control', 'no-cache')
      .type(shell.type)
      .send(shell.body);
  });
};
