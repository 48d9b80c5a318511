import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { carriesAdminToken } from './admin-token.ts';
import { buildPublicExport } from './public-export.ts';
import type { ServerParts } from './server-parts.ts';
import { UploadRefusal } from './upload-refusal.ts';

const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * The admin API: the catalogue's summary, the latest uploads and the public export, for the
 * bearer of `PYGBOX_ADMIN_TOKEN` only (403 while no token is set). Never CORS-open: an extension
 * page or a web page cannot call it from a browser.
 */
export function adminRoutes({ catalogue, blobs, config }: ServerParts): FastifyPluginAsync {
  return async (admin) => {
    admin.addHook('onRequest', async (request) => {
      if (config.adminToken === undefined) {
        throw new UploadRefusal(
          403,
          'unauthorized',
          'the admin API is off on this server',
          'Start pygbox serve with PYGBOX_ADMIN_TOKEN set to turn it on.',
        );
      }
      if (!carriesAdminToken(request.headers.authorization, config.adminToken)) {
        throw new UploadRefusal(
          401,
          'unauthorized',
          'the admin API needs the admin token',
          'Send the header "Authorization: Bearer <PYGBOX_ADMIN_TOKEN>".',
        );
      }
    });
    admin.get('/api/admin/summary', () => catalogue.summary());
    admin.get('/api/admin/uploads', (request) => {
      const query = listQuerySchema.safeParse(request.query);
      if (!query.success) {
        throw new UploadRefusal(
          400,
          'bad-request',
          'limit must be a whole number from 1 to 1000',
          'e.g. ?limit=100',
        );
      }
      return { uploads: catalogue.listUploads(query.data.limit) };
    });
    admin.get('/api/admin/export/public.zip', async (_request, reply) => {
      const exported = await buildPublicExport(catalogue, blobs, { blocklist: config.blocklist });
      config.log(
        `admin export: ${exported.chats} public chats, ${exported.preferences} preference records, ${exported.privateChats} private chats left out`,
      );
      reply
        .type('application/zip')
        .header('Content-Disposition', 'attachment; filename="pygbox-public.zip"')
        .send(Buffer.from(exported.zip.buffer, exported.zip.byteOffset, exported.zip.byteLength));
    });
  };
}
