/**
 * The benchmark's baseline: the same framework (fastify) on the same route and body limit,
 * reading the same zip bytes and answering a receipt at once, without checking or storing them.
 * What `pygbox serve` adds on top of this is its own cost.
 *
 *   npx tsx bench/upload-server-baseline.ts   (prints "listening on <url>")
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.addContentTypeParser(
  'application/zip',
  { parseAs: 'buffer', bodyLimit: 8 * 1024 * 1024 },
  (_request, body, done) => done(null, body),
);
app.post('/api/uploads', async (request, reply) => {
  const bytes = Buffer.isBuffer(request.body) ? request.body.byteLength : 0;
  reply.code(201);
  return { uploadId: `noop-${bytes}`, chats: 0, newChats: 0, duplicateChats: 0, consent: 'private' };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
