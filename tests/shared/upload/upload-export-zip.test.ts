import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { uploadExportZip } from '../../../shared/upload/upload-export-zip.ts';

/**
 * The client against a plain HTTP server on loopback that answers what each test needs: the
 * answers a broken, hostile or overloaded server could give. (Against the real collection server:
 * tests/trainer-node/serve/.)
 */

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running !== undefined) {
    running.closeAllConnections();
    await new Promise((resolve) => running.close(resolve));
  }
});

async function serve(
  answer: (response: ServerResponse, received: Received) => void,
): Promise<{ endpoint: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      received.push(entry);
      answer(response, entry);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}/`, received };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function failure(promise: Promise<unknown>): Promise<PygboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof PygboxError) return error;
  throw new Error(`expected a PygboxError, got ${String(error)}`);
}

const ZIP = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
const RECEIPT = {
  uploadId: 'u-0011223344556677',
  chats: 3,
  newChats: 2,
  duplicateChats: 1,
  consent: 'public',
};

describe('uploadExportZip', () => {
  it('POSTs the zip bytes with the consent and returns the receipt', async () => {
    const { endpoint, received } = await serve((response) => json(response, 201, RECEIPT));
    const receipt = await uploadExportZip({ endpoint, zip: ZIP, consent: 'public' });
    expect(receipt).toEqual(RECEIPT);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/uploads');
    expect(request?.headers['content-type']).toBe('application/zip');
    expect(request?.headers['x-pygbox-consent']).toBe('public');
    expect(request?.headers['x-pygbox-protocol']).toBe('1');
    expect(request?.headers.cookie).toBeUndefined();
    expect(new Uint8Array(request?.body ?? [])).toEqual(ZIP);
  });

  it('turns a refusal into upload-refused with the status, the server’s message and hint', async () => {
    const { endpoint } = await serve((response) =>
      json(response, 422, {
        error: {
          code: 'audit-failed',
          message: 'chats[0].messages[1].text: email pattern',
          hint: 'Redact it.',
        },
      }),
    );
    const error = await failure(uploadExportZip({ endpoint, zip: ZIP, consent: 'private' }));
    expect(error.code).toBe('upload-refused');
    expect(error.message).toBe(
      'the server refused the upload (HTTP 422): chats[0].messages[1].text: email pattern',
    );
    expect(error.hint).toBe('Redact it.');
  });

  it('says when to try again after a 429 without a body', async () => {
    const { endpoint } = await serve((response) => {
      response.writeHead(429, { 'Retry-After': '42' });
      response.end();
    });
    const error = await failure(uploadExportZip({ endpoint, zip: ZIP, consent: 'public' }));
    expect(error.code).toBe('upload-refused');
    expect(error.message).toMatch(/HTTP 429/);
    expect(error.hint).toMatch(/42 seconds/);
  });

  it('points at the address when the server is not a Pygbox server', async () => {
    const { endpoint } = await serve((response) => {
      response.writeHead(404, { 'Content-Type': 'text/html' });
      response.end('<html>not here</html>');
    });
    const error = await failure(uploadExportZip({ endpoint, zip: ZIP, consent: 'public' }));
    expect(error.code).toBe('upload-refused');
    expect(error.hint).toMatch(/pygbox serve/);
  });

  it('treats a 5xx, and a 2xx that is not a receipt, as upload-failed', async () => {
    const broken = await serve((response) =>
      json(response, 500, { error: { code: 'internal', message: 'disk full' } }),
    );
    const error = await failure(uploadExportZip({ endpoint: broken.endpoint, zip: ZIP, consent: 'public' }));
    expect(error.code).toBe('upload-failed');
    expect(error.message).toMatch(/HTTP 500.*disk full/);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;

    const odd = await serve((response) => json(response, 200, { ok: true }));
    const notReceipt = await failure(
      uploadExportZip({ endpoint: odd.endpoint, zip: ZIP, consent: 'public' }),
    );
    expect(notReceipt.code).toBe('upload-failed');
    expect(notReceipt.message).toMatch(/not with a Pygbox receipt/);
  });

  it('clips an overlong server message', async () => {
    const { endpoint } = await serve((response) =>
      json(response, 400, { error: { code: 'bad-request', message: 'x'.repeat(1500) } }),
    );
    const error = await failure(uploadExportZip({ endpoint, zip: ZIP, consent: 'public' }));
    expect(error.message.length).toBeLessThan(600);
  });

  it('fails with upload-failed when nothing listens, and names the server', async () => {
    const { endpoint } = await serve(() => {});
    await new Promise<void>((resolve) => {
      server?.closeAllConnections();
      server?.close(() => resolve());
    });
    server = undefined;
    const error = await failure(uploadExportZip({ endpoint, zip: ZIP, consent: 'public' }));
    expect(error.code).toBe('upload-failed');
    expect(error.message).toMatch(/could not reach the upload server at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('times out, and can be cancelled, both as upload-failed', async () => {
    const { endpoint } = await serve(() => {
      // Never answers.
    });
    const timedOut = await failure(
      uploadExportZip({ endpoint, zip: ZIP, consent: 'public', timeoutMs: 200 }),
    );
    expect(timedOut.code).toBe('upload-failed');
    expect(timedOut.message).toMatch(/timed out/);

    const controller = new AbortController();
    const pending = uploadExportZip({ endpoint, zip: ZIP, consent: 'public', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const cancelled = await failure(pending);
    expect(cancelled.code).toBe('upload-failed');
    expect(cancelled.message).toMatch(/cancelled/);
  });

  it('checks the endpoint and the consent before sending anything', async () => {
    const { endpoint, received } = await serve((response) => json(response, 201, RECEIPT));
    const plain = await failure(
      uploadExportZip({ endpoint: 'http://collect.example.org/', zip: ZIP, consent: 'public' }),
    );
    expect(plain.code).toBe('usage');
    const consent = await failure(
      uploadExportZip({ endpoint, zip: ZIP, consent: 'maybe' as unknown as 'public' }),
    );
    expect(consent.code).toBe('usage');
    expect(received).toHaveLength(0);
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const { endpoint } = await serve((response) => json(response, 201, RECEIPT));
    const receipt = await uploadExportZip({
      endpoint,
      zip: ZIP,
      consent: 'public',
      fetch: (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      },
    });
    expect(receipt.uploadId).toBe(RECEIPT.uploadId);
    expect(calls).toEqual([`${endpoint}api/uploads`]);
  });
});
