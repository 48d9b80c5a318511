import { describe, expect, it } from 'vitest';
import { uploadErrorBodySchema } from '../../../shared/upload/upload-protocol.ts';
import { clientOf } from '../../../trainer-node/serve/client-address.ts';
import {
  exportZipOf,
  folderState,
  inventedChat,
  openRawUpload,
  startTestServer,
  type TestServer,
} from './serve-fixtures.ts';

/** The per-client limits against a hostile client: rotating IPv6 addresses, slow and stalled bodies. */

function post(server: TestServer, body: Uint8Array, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/uploads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/zip', 'X-Pygbox-Consent': 'public', ...headers },
    body: body.slice(),
  });
}

/** An upload that sends its headers and the first bytes of its body, then stops. */
function startSlowUpload(server: TestServer, zip: Uint8Array) {
  const slow = openRawUpload(server.url, zip.length);
  const outcome = new Promise<number | 'closed'>((resolve) => {
    slow.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    slow.on('error', () => resolve('closed'));
  });
  slow.write(zip.subarray(0, 100));
  return { finish: () => slow.end(zip.subarray(100)), outcome };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('clientOf: the client the per-client limits count', () => {
  it('counts an IPv6 /64 as one client, and a mapped IPv4 address as the IPv4 one', () => {
    expect(clientOf('2001:db8:1:2::1')).toBe(clientOf('2001:db8:1:2:ffff:eeee:dddd:cccc'));
    expect(clientOf('2001:DB8:1:2::1')).toBe(clientOf('2001:db8:1:2:0:0:0:9'));
    expect(clientOf('2001:db8:1:2::1')).not.toBe(clientOf('2001:db8:1:3::1'));
    expect(clientOf('::1')).toBe(clientOf('::2'));
    expect(clientOf('fe80::1%eth0')).toBe(clientOf('fe80::2'));
    expect(clientOf('::ffff:203.0.113.1')).toBe('203.0.113.1');
    expect(clientOf('203.0.113.1')).not.toBe(clientOf('203.0.113.2'));
  });
});

describe('pygbox serve: per-client limits a hostile client cannot dodge', () => {
  it('rate-limits an IPv6 client by its /64: new addresses in the same network do not reset it', async () => {
    const server = await startTestServer({
      uploadsPerMinute: 1,
      uploadBurst: 1,
      trustProxy: ['127.0.0.1'],
      verifyThreads: 0,
    });
    try {
      const zip = await exportZipOf([inventedChat(90, 2)]);
      expect((await post(server, zip, { 'X-Forwarded-For': '2001:db8:1:2::1' })).status).toBe(201);
      expect((await post(server, zip, { 'X-Forwarded-For': '2001:db8:1:2::abcd' })).status).toBe(429);
      // Another network is another client.
      expect((await post(server, zip, { 'X-Forwarded-For': '2001:db8:1:3::1' })).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('lets one address hold only its share of the upload slots', async () => {
    const server = await startTestServer({
      maxConcurrentUploads: 8,
      maxConcurrentUploadsPerClient: 1,
      verifyThreads: 0,
    });
    try {
      const zip = await exportZipOf([inventedChat(91, 3)]);
      const slow = startSlowUpload(server, zip);
      await pause(150);
      const second = await post(server, zip);
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(uploadErrorBodySchema.parse(await second.json()).error.code).toBe('rate-limited');
      slow.finish();
      expect(await slow.outcome).toBe(201);
      // The slot is given back once the upload is answered.
      expect((await post(server, zip)).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('cuts off an upload that stalls mid-body and frees its slot long before the request timeout', async () => {
    const server = await startTestServer({
      maxConcurrentUploads: 1,
      idleTimeoutMs: 300,
      requestTimeoutMs: 60_000,
      verifyThreads: 0,
    });
    try {
      const zip = await exportZipOf([inventedChat(92, 3)]);
      const stalled = startSlowUpload(server, zip);
      await pause(150);
      expect((await post(server, zip)).status).toBe(503);
      await pause(700);
      expect(await stalled.outcome).toBe('closed');
      expect((await post(server, zip)).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('keeps the connection open while a whole upload is checked, however long past the idle timeout', async () => {
    const server = await startTestServer({ idleTimeoutMs: 40, verifyThreads: 0 });
    try {
      // Big enough that checking it on the event loop takes well over 40 ms.
      const zip = await exportZipOf(
        Array.from({ length: 1500 }, (_, index) => inventedChat(2000 + index, 20)),
      );
      expect((await post(server, zip)).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('refuses a chunked body (no Content-Length) with 413 as it streams past the limit', async () => {
    const server = await startTestServer({ maxUploadBytes: 1024 * 1024, verifyThreads: 0 });
    try {
      const chunk = new Uint8Array(256 * 1024);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // Endless unless the server stops reading: it must answer long before.
          sent += chunk.byteLength;
          controller.enqueue(chunk);
          if (sent >= 64 * 1024 * 1024) controller.close();
        },
      });
      const response = await fetch(`${server.url}/api/uploads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/zip', 'X-Pygbox-Consent': 'public' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
      expect(folderState(server.dataDir)).toMatchObject({ uploads: 0, chats: [], blobs: [] });
    } finally {
      await server.close();
    }
  });

  it('never echoes a client-supplied protocol header into the answer or the log', async () => {
    const server = await startTestServer({ verifyThreads: 0 });
    try {
      const zip = await exportZipOf([inventedChat(93, 2)]);
      const planted = 'planted-value-alice@example.com';
      const refused = await post(server, zip, { 'X-Pygbox-Protocol': planted });
      expect(refused.status).toBe(400);
      const text = await refused.text();
      expect(text).toContain('protocol');
      expect(text).not.toContain('planted-value');
      expect(server.logs.join('\n')).not.toContain('planted-value');
      expect(server.logs.some((line) => line.includes('upload refused (400'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
