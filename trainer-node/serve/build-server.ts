import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  CONSENT_HEADER,
  consentSchema,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  UPLOAD_CONTENT_TYPE,
  UPLOAD_PATH,
} from '../../shared/upload/upload-protocol.ts';
import { PYGBOX_VERSION } from '../../shared/version.ts';
import { adminRoutes } from './admin-routes.ts';
import { BlobClaims } from './blob-claims.ts';
import { clientOf } from './client-address.ts';
import { isExtensionOrigin } from './extension-origin.ts';
import { PackCompactor } from './pack-compactor.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { ServerParts } from './server-parts.ts';
import { UploadIntake } from './upload-intake.ts';
import { UPLOAD_PAGE_HTML, UPLOAD_PAGE_SCRIPT } from './upload-page.ts';
import { notAZip, refusalFor, tooLarge, UploadRefusal } from './upload-refusal.ts';
import { VerifyPool, verifyInline } from './verify-pool.ts';

const PAGE_SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const UPLOAD_ROUTE = `/${UPLOAD_PATH}`;
const ALLOWED_UPLOAD_HEADERS = ['Content-Type', CONSENT_HEADER, PROTOCOL_HEADER].join(', ');

/**
 * The collection server: the upload page, the upload API (CORS-open to extension pages only) and
 * the admin API behind the token. Cheap refusals (rate, load, content type, consent) are made when
 * the request arrives, before its body is read; the body is then checked whole before anything of
 * it is stored (upload-intake.ts).
 */
export interface BuiltServer {
  app: FastifyInstance;
  /** Resolves once the background work begun so far (compacting packs) is done. */
  settled(): Promise<void>;
}

export function buildServer(parts: ServerParts): BuiltServer {
  const { catalogue, blobs, config } = parts;
  const app = Fastify({
    logger: false,
    requestTimeout: config.requestTimeoutMs,
    // The socket's idle timeout: a client that stops sending mid-body is cut off well before the
    // request timeout, and its upload slot freed.
    connectionTimeout: config.idleTimeoutMs,
    return503OnClosing: true,
    ...(config.trustProxy.length === 0 ? {} : { trustProxy: [...config.trustProxy] }),
  });
  const verifyOptions = { blocklist: config.blocklist, zipLimits: zipLimitsFor(config.maxUploadBytes) };
  const pool = config.verifyThreads > 0 ? new VerifyPool(config.verifyThreads, verifyOptions) : undefined;
  if (pool !== undefined) app.addHook('onClose', () => pool.close());
  const claims = new BlobClaims(catalogue, blobs);
  const compactor = new PackCompactor(catalogue, blobs, claims, config.log);
  // After a crash between replacing copies and compacting their packs.
  compactor.scheduleAll();
  app.addHook('onClose', () => compactor.idle());
  const intake = new UploadIntake(
    catalogue,
    blobs,
    claims,
    compactor,
    pool?.verify ?? verifyInline(verifyOptions),
    config.log,
  );
  const rates = new RateLimiter({ perMinute: config.uploadsPerMinute, burst: config.uploadBurst });
  let uploadsInFlight = 0;
  const inFlightByClient = new Map<string, number>();

  app.addContentTypeParser(
    UPLOAD_CONTENT_TYPE,
    { parseAs: 'buffer', bodyLimit: config.maxUploadBytes },
    (_request, body, done) => done(null, body),
  );

  app.setErrorHandler((error, request, reply) => {
    const refusal = refusalFor(error, config.maxUploadBytes);
    if (refusal.status >= 500) {
      const cause = refusal.cause instanceof Error ? refusal.cause.message : String(refusal.cause);
      // The route's pattern, never the URL the client sent: its path and query are the client's words.
      config.log(`error ${request.method} ${request.routeOptions.url ?? '(no route)'}: ${cause}`);
    } else if (request.url === UPLOAD_ROUTE) {
      config.log(`upload refused (${refusal.status} ${refusal.code}): ${refusal.message}`);
    }
    sendRefusal(reply, refusal);
  });
  app.setNotFoundHandler((_request, reply) => {
    sendRefusal(
      reply,
      new UploadRefusal(
        404,
        'not-found',
        'no such page',
        `Uploads go to ${UPLOAD_ROUTE}; the upload page is /.`,
      ),
    );
  });

  app.get('/', (_request, reply) => {
    reply.headers(PAGE_SECURITY_HEADERS).type('text/html; charset=utf-8').send(UPLOAD_PAGE_HTML);
  });
  app.get('/upload.js', (_request, reply) => {
    reply.headers(PAGE_SECURITY_HEADERS).type('text/javascript; charset=utf-8').send(UPLOAD_PAGE_SCRIPT);
  });
  app.get('/api/health', () => ({ ok: true, version: PYGBOX_VERSION }));

  app.options(UPLOAD_ROUTE, (request, reply) => {
    const origin = request.headers.origin;
    if (isExtensionOrigin(origin)) {
      reply.headers({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': ALLOWED_UPLOAD_HEADERS,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    reply.code(204).send();
  });

  app.post(UPLOAD_ROUTE, {
    onRequest: (request, reply, done) => {
      allowExtensionOrigin(request, reply);
      const client = clientOf(request.ip);
      const refusal = refuseEarly(request, client);
      if (refusal !== undefined) {
        config.log(`upload refused (${refusal.status} ${refusal.code}): ${refusal.message}`);
        sendRefusal(reply, refusal);
        return;
      }
      uploadsInFlight += 1;
      inFlightByClient.set(client, (inFlightByClient.get(client) ?? 0) + 1);
      let released = false;
      // 'close' comes once the answer is sent or the connection dropped, whichever happens.
      reply.raw.once('close', () => {
        if (released) return;
        released = true;
        uploadsInFlight -= 1;
        const left = (inFlightByClient.get(client) ?? 1) - 1;
        if (left > 0) inFlightByClient.set(client, left);
        else inFlightByClient.delete(client);
      });
      done();
    },
    preHandler: (request, _reply, done) => {
      // The whole body is in: the client now waits in silence while the upload is checked, which
      // the idle timeout must not mistake for a stalled client. Still bounded, by the request timeout.
      request.raw.socket.setTimeout(config.requestTimeoutMs);
      done();
    },
    handler: async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw notAZip();
      if (request.body.byteLength === 0) {
        throw new UploadRefusal(
          400,
          'bad-request',
          'the upload is empty',
          'Choose the export zip and upload it again.',
        );
      }
      const consent = consentSchema.parse(request.headers[CONSENT_HEADER.toLowerCase()]);
      const bytes = new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      const receipt = await intake.accept(bytes, consent);
      reply.code(201);
      return receipt;
    },
  });

  function refuseEarly(request: FastifyRequest, client: string): UploadRefusal | undefined {
    const rate = rates.take(client);
    if (!rate.allowed) {
      return new UploadRefusal(
        429,
        'rate-limited',
        `too many uploads from this address (at most ${config.uploadsPerMinute} a minute)`,
        `Try again in ${rate.retryAfterSeconds} seconds.`,
        { retryAfterSeconds: rate.retryAfterSeconds },
      );
    }
    if (uploadsInFlight >= config.maxConcurrentUploads) {
      return new UploadRefusal(
        503,
        'busy',
        'the server is receiving as many uploads as it can',
        'Try again in a few seconds.',
        {
          retryAfterSeconds: 5,
        },
      );
    }
    if ((inFlightByClient.get(client) ?? 0) >= config.maxConcurrentUploadsPerClient) {
      return new UploadRefusal(
        429,
        'rate-limited',
        `this address is already sending ${config.maxConcurrentUploadsPerClient} uploads at once`,
        'Wait until an upload in progress finishes, then try again.',
        { retryAfterSeconds: 5 },
      );
    }
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== UPLOAD_CONTENT_TYPE) return notAZip();
    const consent = request.headers[CONSENT_HEADER.toLowerCase()];
    if (!consentSchema.safeParse(consent).success) {
      return new UploadRefusal(
        400,
        'bad-request',
        `the ${CONSENT_HEADER} header must be "private" or "public"`,
        'Choose whether the chats stay private to the collectors or may be published, then upload again.',
      );
    }
    const protocol = request.headers[PROTOCOL_HEADER.toLowerCase()];
    if (protocol !== undefined && protocol !== PROTOCOL_VERSION) {
      return new UploadRefusal(
        400,
        'bad-request',
        // The client's value is not echoed: answers and logs hold no client-supplied text.
        `this server speaks upload protocol ${PROTOCOL_VERSION} only`,
        'Update Pygbox, or upload to a server of the same version.',
      );
    }
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > config.maxUploadBytes) return tooLarge(config.maxUploadBytes);
    return undefined;
  }

  app.register(adminRoutes({ catalogue, blobs, config }));

  return { app, settled: () => compactor.idle() };
}

function allowExtensionOrigin(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (!isExtensionOrigin(origin)) return;
  reply.headers({
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'Retry-After',
    Vary: 'Origin',
  });
}

function sendRefusal(reply: FastifyReply, refusal: UploadRefusal): void {
  if (refusal.retryAfterSeconds !== undefined) reply.header('Retry-After', String(refusal.retryAfterSeconds));
  reply.code(refusal.status).send(refusal.body());
}

/**
 * What the zip reader may inflate: a chat export compresses about 5 to 10 times, and the extra
 * formats hold the chats twice more, so ten times the upload limit leaves room; never more than
 * the reader's own defaults.
 */
function zipLimitsFor(maxUploadBytes: number) {
  const total = Math.min(512 * 1024 * 1024, 10 * maxUploadBytes);
  return { maxTotalBytes: total, maxEntryBytes: Math.min(256 * 1024 * 1024, total) };
}
