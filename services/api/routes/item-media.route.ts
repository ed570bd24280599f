import type { FastifyPluginAsync } from 'fastify';
import { EXTENSION, sniffImageType } from '../../../shared/media/image-type.js';
import { findItemMedia } from '../../../shared/repositories/media.repository.js';
import type { ApiDeps } from '../app.js';
import { fromOwnPages, READERS } from '../auth.js';
import { AppError } from '../app-error.js';

/**
 * GET /api/items/:id/media/:sha256: one image of an item's post, from the media store. The bytes are the
 * sender's, so they go out as what their magic bytes say (JPEG, PNG, GIF, WebP; anything else, SVG
 * included, is refused), with nosniff, a CSP that runs nothing even if opened directly, and only to the
 * desk's own pages (an <img> on another site gets 403).
 */
export const itemMediaRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db, media }) => {
  app.get<{ Params: { id: number; sha256: string } }>(
    '/items/:id/media/:sha256',
    {
      config: { roles: READERS },
      schema: {
        params: {
          type: 'object',
          required: ['id', 'sha256'],
          properties: {
            id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
            sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          },
        },
      },
    },
    async (request, reply) => {
      if (!fromOwnPages(request))
        throw new AppError(
          'forbidden',
          "images are shown to the desk's own pages only (Sec-Fetch-Site), or with a bearer token",
        );
      const row = await findItemMedia(db, request.params.id, request.params.sha256);
      const bytes = row && media ? await media.get(row.sha256) : undefined;
      if (!row || !bytes)
        throw new AppError('not_found', `item ${request.params.id} has no image ${request.params.sha256}`);
      const type = sniffImageType(bytes);
      if (!type) throw new AppError('unsupported_media_type', 'the stored bytes are not an image Vigil serves');
      return reply
        .header('content-type', type)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', `inline; filename="${row.sha256}.${EXTENSION[type]}"`)
        .header('cache-control', 'private, max-age=3600, immutable')
        .send(bytes);
    },
  );
};
