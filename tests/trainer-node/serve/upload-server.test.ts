import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { previewStoreExport, writeStoreExportZip } from '../../../shared/export/export-store.ts';
import { openPygboxStore } from '../../../shared/store/pygbox-store.ts';
import { uploadExportZip } from '../../../shared/upload/upload-export-zip.ts';
import { uploadErrorBodySchema, uploadReceiptSchema } from '../../../shared/upload/upload-protocol.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { portableZipCodec } from '../../../shared/zip/zip-codec.ts';
import {
  chatList,
  LATER_TURN,
  NEW_TURNS,
  OLD_TURNS,
  turnsPage,
  USER_NAME,
} from '../../shared/store/capture-fixtures.ts';
import { buildZip, type RawEntry } from '../../shared/zip/zip-builder.ts';
import {
  expectConsistent,
  exportZipOf,
  folderState,
  inventedChat,
  openRawUpload,
  rekeyed,
  settledState,
  startTestServer,
  type TestServer,
} from './serve-fixtures.ts';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

function post(server: TestServer, body: Uint8Array, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/uploads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/zip', 'X-Pygbox-Consent': 'public', ...headers },
    body: body.slice(),
  });
}

async function refusalOf(response: Response) {
  return { status: response.status, ...uploadErrorBodySchema.parse(await response.json()).error };
}

describe('pygbox serve: accepting uploads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ adminToken: ADMIN_TOKEN });
  });
  afterAll(() => server.close());

  it('accepts the extension’s export from its store, then a longer re-export replaces the copy', async () => {
    // The extension's own path: captures in IndexedDB, the preview, the zip, the shared client.
    const store = await openPygboxStore({ indexedDB: new IDBFactory() });
    await store.addCaptures([
      chatList('2024-03-05T11:00:00Z'),
      turnsPage([...OLD_TURNS, ...NEW_TURNS], '2024-03-05T11:00:00Z'),
    ]);
    const first = await writeStoreExportZip(await previewStoreExport(store), { codec: portableZipCodec });
    const receipt = await uploadExportZip({ endpoint: server.url, zip: first.bytes, consent: 'public' });
    expect(receipt).toMatchObject({ chats: 1, newChats: 1, duplicateChats: 0, consent: 'public' });
    expect(receipt.uploadId).toMatch(/^u-[0-9a-f]{16}$/);

    await store.addCaptures([turnsPage([LATER_TURN], '2024-03-06T10:00:00Z')]);
    const longer = await writeStoreExportZip(await previewStoreExport(store), { codec: portableZipCodec });
    const again = await uploadExportZip({ endpoint: server.url, zip: longer.bytes, consent: 'public' });
    expect(again).toMatchObject({ chats: 1, newChats: 0, duplicateChats: 1 });

    const state = await settledState(server);
    expect(state.chats).toHaveLength(1);
    expect(state.chats[0]?.messages).toBe(OLD_TURNS.length + NEW_TURNS.length + 1);
    expectConsistent(state);
    store.close();
  });

  it('recognises a duplicate upload and keeps one copy', async () => {
    const zip = await exportZipOf([inventedChat(10, 6), inventedChat(11, 4)]);
    const before = await settledState(server);
    const first = await uploadExportZip({ endpoint: server.url, zip, consent: 'public' });
    expect(first).toMatchObject({ chats: 2, newChats: 2, duplicateChats: 0 });
    const second = await uploadExportZip({ endpoint: server.url, zip, consent: 'public' });
    expect(second).toMatchObject({ chats: 2, newChats: 0, duplicateChats: 2 });
    expect(second.uploadId).not.toBe(first.uploadId);
    const after = await settledState(server);
    expect(after.chats.length).toBe(before.chats.length + 2);
    // One pack for the upload's two chats; the duplicate upload wrote nothing.
    expect(after.blobs.length).toBe(before.blobs.length + 1);
    expectConsistent(after);
  });

  it('keeps the longest copy; on equal length the held one', async () => {
    const id = 20;
    const rowOf = async () =>
      (await settledState(server)).chats.find((chat) => chat.key === inventedChat(id, 5).key);
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(id, 5)]),
      consent: 'public',
    });
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(id, 9)]),
      consent: 'public',
    });
    expect((await rowOf())?.messages).toBe(9);
    // A shorter re-upload (messages deleted on the site) does not shrink the kept copy.
    const shorter = await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(id, 6)]),
      consent: 'public',
    });
    expect(shorter).toMatchObject({ newChats: 0, duplicateChats: 1 });
    expect((await rowOf())?.messages).toBe(9);
    // Same length, different swipes: not an extension of the held copy, so the held copy stays.
    const reworded = inventedChat(id, 9);
    const last = reworded.messages.at(-1);
    if (last !== undefined) last.swipes = ['A new swipe from a later export.'];
    const keptBefore = (await rowOf())?.blob;
    const again = await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([reworded]),
      consent: 'public',
    });
    expect(again).toMatchObject({ newChats: 0, duplicateChats: 1 });
    expect((await rowOf())?.blob).toBe(keptBefore);
    expect((await rowOf())?.messages).toBe(9);
    expectConsistent(await settledState(server));
  });

  it('keeps the contributor’s copy against an edited re-upload of equal or greater length', async () => {
    const id = 21;
    const original = inventedChat(id, 8);
    const rowOf = async () => (await settledState(server)).chats.find((chat) => chat.key === original.key);
    await uploadExportZip({ endpoint: server.url, zip: await exportZipOf([original]), consent: 'public' });
    const keptBefore = await rowOf();

    // Messages after the 4th are not in the key: the edited copies keep the original's key.
    const sameLength = inventedChat(id, 8);
    const sixth = sameLength.messages[5];
    if (sixth !== undefined) sixth.text = 'Words the contributor never wrote.';
    const longer = inventedChat(id, 12);
    const eighth = longer.messages[7];
    if (eighth !== undefined) eighth.text = 'More words the contributor never wrote.';
    for (const forged of [sameLength, longer]) {
      expect(forged.key).toBe(original.key);
      const receipt = await uploadExportZip({
        endpoint: server.url,
        zip: await exportZipOf([forged]),
        consent: 'public',
      });
      expect(receipt).toMatchObject({ newChats: 0, duplicateChats: 1 });
      expect(await rowOf()).toEqual(keptBefore);
    }
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const state = await settledState(server);
    const kept = state.chats.find((chat) => chat.key === original.key);
    const pack = readFileSync(
      join(server.dataDir, 'blobs', kept?.blob.slice(0, 2) ?? '', kept?.blob ?? ''),
      'utf8',
    );
    expect(pack).toContain(JSON.stringify(original));
    expect(pack).not.toContain('never wrote');

    // The honest continuation still replaces it.
    const receipt = await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(id, 12)]),
      consent: 'public',
    });
    expect(receipt).toMatchObject({ newChats: 0, duplicateChats: 1 });
    expect((await rowOf())?.messages).toBe(12);
    expectConsistent(await settledState(server));
  });

  it('keeps one copy on disk too: a replaced copy leaves its pack, the others stay intact', async () => {
    const shorter = inventedChat(23, 5);
    const neighbour = inventedChat(24, 6);
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([shorter, neighbour]),
      consent: 'public',
    });
    const packed = await settledState(server);
    const packOf = (key: string) => packed.chats.find((chat) => chat.key === key)?.blob;
    expect(packOf(shorter.key)).toBe(packOf(neighbour.key));

    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(23, 8)]),
      consent: 'public',
    });
    const state = await settledState(server);
    expectConsistent(state);
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const onDisk = state.blobs
      .map((blob) => readFileSync(join(server.dataDir, 'blobs', blob.slice(0, 2), blob), 'utf8'))
      .join('');
    expect(onDisk).not.toContain(JSON.stringify(shorter));
    expect(onDisk).toContain(JSON.stringify(neighbour));
    expect(onDisk).toContain(JSON.stringify(inventedChat(23, 8)));
    expect(server.logs.some((line) => /compacted a pack: 1 copies kept/.test(line))).toBe(true);
  });

  it('counts a chat twice in one zip once, keeping its longer copy', async () => {
    const zip = await exportZipOf([inventedChat(25, 5), inventedChat(25, 9), inventedChat(25, 5)]);
    const receipt = await uploadExportZip({ endpoint: server.url, zip, consent: 'public' });
    expect(receipt).toMatchObject({ chats: 3, newChats: 1, duplicateChats: 2 });
    const row = (await settledState(server)).chats.find((chat) => chat.key === inventedChat(25, 5).key);
    expect(row?.messages).toBe(9);
    expectConsistent(await settledState(server));
  });

  it('settles the same new chats uploaded at the same moment: one upload brings them, one copy kept', async () => {
    const zip = await exportZipOf([inventedChat(26, 3), inventedChat(27, 4)]);
    const receipts = await Promise.all(
      [1, 2, 3].map(() => uploadExportZip({ endpoint: server.url, zip, consent: 'public' })),
    );
    expect(receipts.reduce((sum, receipt) => sum + receipt.newChats, 0)).toBe(2);
    expect(receipts.reduce((sum, receipt) => sum + receipt.duplicateChats, 0)).toBe(4);
    const keys = [inventedChat(26, 3).key, inventedChat(27, 4).key];
    expect((await settledState(server)).chats.filter((chat) => keys.includes(chat.key))).toHaveLength(2);
    expectConsistent(await settledState(server));
  });

  it('never publishes a chat any upload of which said private', async () => {
    const consentOf = async (id: number) =>
      (await settledState(server)).chats.find((chat) => chat.key === inventedChat(id, 4).key)?.consent;
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(30, 4)]),
      consent: 'public',
    });
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(30, 4)]),
      consent: 'private',
    });
    expect(await consentOf(30)).toBe('private');
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(31, 4)]),
      consent: 'private',
    });
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(31, 8)]),
      consent: 'public',
    });
    expect(await consentOf(31)).toBe('private');
  });

  it('exports over the admin API only the public chats, for the token only', async () => {
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(40, 3)]),
      consent: 'private',
    });
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(41, 3)]),
      consent: 'public',
    });
    const exportUrl = `${server.url}/api/admin/export/public.zip`;
    expect((await fetch(exportUrl)).status).toBe(401);
    expect(
      (await fetch(exportUrl, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status,
    ).toBe(401);
    const response = await fetch(exportUrl, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const { chats } = await readExportZip(new Uint8Array(await response.arrayBuffer()));
    const keys = chats.map((chat) => chat.key);
    expect(keys).toContain(inventedChat(41, 3).key);
    expect(keys).not.toContain(inventedChat(40, 3).key);
    const publicKeys = (await settledState(server)).chats
      .filter((chat) => chat.consent === 'public')
      .map((chat) => chat.key);
    expect(keys).toEqual(publicKeys);

    const list = await fetch(`${server.url}/api/admin/uploads?limit=2`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const uploads = ((await list.json()) as { uploads: { consent: string }[] }).uploads;
    expect(uploads.map((upload) => upload.consent)).toEqual(['public', 'private']);
    const summary = await fetch(`${server.url}/api/admin/summary`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await summary.json()).toMatchObject({ chats: (await settledState(server)).chats.length });
  });

  it('answers the extension’s CORS preflight, and no other origin’s', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/uploads`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-pygbox-consent',
        },
      });
    const allowed = await preflight(EXTENSION_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/X-Pygbox-Consent/i);
    const firefox = await preflight('moz-extension://0f5e2c1a-8b7d-4c3e-9a1b-2c3d4e5f6a7b');
    expect(firefox.headers.get('access-control-allow-origin')).toBe(
      'moz-extension://0f5e2c1a-8b7d-4c3e-9a1b-2c3d4e5f6a7b',
    );
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const upload = await post(server, await exportZipOf([inventedChat(50, 2)]), { Origin: EXTENSION_ORIGIN });
    expect(upload.status).toBe(201);
    expect(upload.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    uploadReceiptSchema.parse(await upload.json());
    const admin = await fetch(`${server.url}/api/admin/summary`, { headers: { Origin: EXTENSION_ORIGIN } });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the upload page with a strict content security policy', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    expect(html).toContain('<form id="upload">');
    expect(html).not.toMatch(/<script>[^<]/);
    const script = await fetch(`${server.url}/upload.js`);
    expect(await script.text()).toContain("'X-Pygbox-Consent': consent");
  });
});

describe('pygbox serve: refusing bad uploads, leaving nothing behind', () => {
  let server: TestServer;
  const encoder = new TextEncoder();
  beforeAll(async () => {
    server = await startTestServer({ maxUploadBytes: 256 * 1024, blocklist: ['Brambleworth'] });
    // Something stored already, so "nothing behind" also means "nothing of it lost".
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(1, 3)]),
      consent: 'public',
    });
  });
  afterAll(() => server.close());

  async function entriesOf(zip: Uint8Array): Promise<RawEntry[]> {
    return Object.entries(unzipSync(zip)).map(([name, data]) => ({ name, data, method: 8 as const }));
  }

  const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
    ['bytes that are not a zip', async () => encoder.encode('hello, this is not a zip'), /not a zip archive/],
    [
      'a truncated zip',
      async () => {
        const zip = await exportZipOf([inventedChat(2, 5)]);
        return zip.subarray(0, Math.floor(zip.length / 2));
      },
      /zip/,
    ],
    [
      'a zip-slip entry',
      async () =>
        buildZip([
          ...(await entriesOf(await exportZipOf([inventedChat(3, 2)]))),
          { name: '../../evil.sh', data: encoder.encode('x') },
        ]),
      /evil\.sh/,
    ],
    [
      'a zip bomb',
      async () => buildZip([{ name: 'chats.jsonl', data: new Uint8Array(4 * 1024 * 1024), method: 8 }]),
      /ratio|limit/,
    ],
    [
      'a malformed manifest',
      async () =>
        buildZip(
          (await entriesOf(await exportZipOf([inventedChat(4, 2)]))).map((entry) =>
            entry.name === 'manifest.json' ? { ...entry, data: encoder.encode('{"format":') } : entry,
          ),
        ),
      /manifest\.json/,
    ],
  ];

  for (const [name, build, reason] of cases) {
    it(`refuses ${name} with 422 and the reason`, async () => {
      const before = await settledState(server);
      const refusal = await refusalOf(await post(server, await build()));
      expect(refusal).toMatchObject({ status: 422, code: 'zip-invalid' });
      expect(refusal.message).toMatch(reason);
      expect(refusal.hint).toBeTruthy();
      expect(await settledState(server)).toEqual(before);
    });
  }

  it('refuses a chat whose key does not come from its content (it could overwrite another)', async () => {
    const before = await settledState(server);
    const forged = { ...inventedChat(5, 12), key: inventedChat(1, 3).key };
    const zip = await exportZipOf([forged]);
    const refusal = await refusalOf(await post(server, zip));
    expect(refusal).toMatchObject({ status: 422, code: 'zip-invalid' });
    expect(refusal.message).toMatch(/key does not match/);
    expect(await settledState(server)).toEqual(before);
  });

  it('re-runs the audit: an email left in a chat is refused, named by field, never quoted', async () => {
    const before = await settledState(server);
    const leaky = inventedChat(6, 3);
    const second = leaky.messages[1];
    if (second !== undefined) second.text = 'write to me at sam.leaky@example.org please';
    // Built past the client's audit on purpose: a modified client, or an older anonymizer.
    const { writeExportZip } = await import('../../../shared/zip/write-export-zip.ts');
    const { sealAudited } = await import('../../../shared/anonymize/audited-chats.ts');
    const zip = await writeExportZip(sealAudited([rekeyed(leaky)]), {
      anonymizerVersion: '1.0.0',
      toolVersion: '0.1.0',
    });
    const error = await uploadExportZip({ endpoint: server.url, zip, consent: 'public' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PygboxError);
    expect(error).toMatchObject({ code: 'upload-refused' });
    const message = (error as PygboxError).message;
    expect(message).toMatch(/HTTP 422/);
    expect(message).toMatch(/messages\[1\]\.text/);
    expect(message).toMatch(/email/);
    expect(message).not.toMatch(/leaky|example\.org/);
    expect(server.logs.join('\n')).not.toMatch(/leaky|example\.org/);
    expect(await settledState(server)).toEqual(before);
  });

  it('refuses a chat holding a name on the operator blocklist', async () => {
    const before = await settledState(server);
    const chat = inventedChat(7, 2);
    const first = chat.messages[0];
    if (first !== undefined) first.text = 'Old Brambleworth waved from the pier.';
    const { sealAudited } = await import('../../../shared/anonymize/audited-chats.ts');
    const { writeExportZip } = await import('../../../shared/zip/write-export-zip.ts');
    const zip = await writeExportZip(sealAudited([rekeyed(chat)]), {
      anonymizerVersion: '1.2.0',
      toolVersion: '0.1.0',
    });
    const audited = await refusalOf(await post(server, zip));
    expect(audited).toMatchObject({ status: 422, code: 'audit-failed' });
    expect(audited.message).toMatch(/messages\[0\]\.text/);
    expect(audited.message).not.toMatch(/Brambleworth/i);
    expect(await settledState(server)).toEqual(before);
  });

  it('refuses an upload over the size limit with 413 before storing anything', async () => {
    const before = await settledState(server);
    const refusal = await refusalOf(await post(server, new Uint8Array(300 * 1024)));
    expect(refusal).toMatchObject({ status: 413, code: 'too-large' });
    expect(refusal.message).toMatch(/262144 bytes/);
    expect(await settledState(server)).toEqual(before);
  });

  it('refuses other content types (415), a missing consent and an empty body (400)', async () => {
    const zip = await exportZipOf([inventedChat(8, 2)]);
    const before = await settledState(server);
    expect(await refusalOf(await post(server, zip, { 'Content-Type': 'application/json' }))).toMatchObject({
      status: 415,
      code: 'not-a-zip',
    });
    const noConsent = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/zip' },
      body: zip.slice(),
    });
    expect(await refusalOf(noConsent)).toMatchObject({ status: 400, code: 'bad-request' });
    expect(await refusalOf(await post(server, zip, { 'X-Pygbox-Consent': 'maybe' }))).toMatchObject({
      status: 400,
    });
    expect(await refusalOf(await post(server, new Uint8Array(0)))).toMatchObject({ status: 400 });
    expect(await settledState(server)).toEqual(before);
  });

  it('answers unknown paths with a JSON 404 the client turns into a clear refusal', async () => {
    const error = await uploadExportZip({
      endpoint: `${server.url}/somewhere/else/api/uploads`,
      zip: await exportZipOf([inventedChat(9, 2)]),
      consent: 'public',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'upload-refused' });
    expect((error as PygboxError).message).toMatch(/HTTP 404/);
  });

  it('keeps the admin API off without a token', async () => {
    const response = await fetch(`${server.url}/api/admin/uploads`, {
      headers: { Authorization: 'Bearer anything-at-all-0123456789' },
    });
    expect(await refusalOf(response)).toMatchObject({ status: 403, code: 'unauthorized' });
  });
});

describe('pygbox serve: limits per client', () => {
  it('answers 429 with Retry-After past the rate, before reading the body', async () => {
    const server = await startTestServer({ uploadsPerMinute: 1, uploadBurst: 2, verifyThreads: 0 });
    try {
      const zip = await exportZipOf([inventedChat(60, 2)]);
      expect((await post(server, zip)).status).toBe(201);
      expect((await post(server, zip)).status).toBe(201);
      const limited = await post(server, zip);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refusalOf(limited)).toMatchObject({ code: 'rate-limited' });
      const error = await uploadExportZip({ endpoint: server.url, zip, consent: 'public' }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'upload-refused' });
      expect((error as PygboxError).hint).toMatch(/Try again in \d+ seconds/);
      expect((await settledState(server)).uploads).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('counts clients by X-Forwarded-For behind a trusted proxy, and by address otherwise', async () => {
    const zip = await exportZipOf([inventedChat(61, 2)]);
    const proxied = await startTestServer({
      uploadsPerMinute: 1,
      uploadBurst: 1,
      trustProxy: ['127.0.0.1'],
      verifyThreads: 0,
    });
    try {
      expect((await post(proxied, zip, { 'X-Forwarded-For': '203.0.113.1' })).status).toBe(201);
      expect((await post(proxied, zip, { 'X-Forwarded-For': '203.0.113.2' })).status).toBe(201);
      expect((await post(proxied, zip, { 'X-Forwarded-For': '203.0.113.1' })).status).toBe(429);
    } finally {
      await proxied.close();
    }
    const direct = await startTestServer({ uploadsPerMinute: 1, uploadBurst: 1, verifyThreads: 0 });
    try {
      expect((await post(direct, zip, { 'X-Forwarded-For': '203.0.113.1' })).status).toBe(201);
      // Untrusted, the header is ignored: a client cannot dodge the limit by inventing one.
      expect((await post(direct, zip, { 'X-Forwarded-For': '203.0.113.2' })).status).toBe(429);
    } finally {
      await direct.close();
    }
  });

  it('answers 503 when as many uploads as allowed are in flight, and recovers', async () => {
    const server = await startTestServer({ maxConcurrentUploads: 1, verifyThreads: 0 });
    try {
      const zip = await exportZipOf([inventedChat(70, 3)]);
      // A slow upload: headers and half the body, then a pause.
      const slow = openRawUpload(server.url, zip.length);
      const slowAnswer = new Promise<number>((resolve, reject) => {
        slow.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        slow.on('error', reject);
      });
      slow.write(zip.subarray(0, 100));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const busy = await post(server, zip);
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBeTruthy();
      slow.end(zip.subarray(100));
      expect(await slowAnswer).toBe(201);
      expect((await post(server, zip)).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('keeps nothing of an upload whose connection drops mid-body', async () => {
    // Checked on the event loop here (no threads), the other way the server runs.
    const server = await startTestServer({ verifyThreads: 0 });
    try {
      const zip = await exportZipOf([inventedChat(80, 3)]);
      const cut = openRawUpload(server.url, zip.length);
      cut.on('error', () => {});
      cut.write(zip.subarray(0, 200));
      await new Promise((resolve) => setTimeout(resolve, 100));
      cut.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const state = await settledState(server);
      expect(state).toMatchObject({ uploads: 0, chats: [], blobs: [], temporaryFiles: [] });
      // The server is still well: the whole upload goes through afterwards.
      expect((await post(server, zip)).status).toBe(201);
    } finally {
      await server.close();
    }
  });
});

describe('pygbox serve: the user name in a real export never reaches the server', () => {
  it('uploads the extension export of a chat that named the user, anonymized', async () => {
    const server = await startTestServer();
    try {
      const store = await openPygboxStore({ indexedDB: new IDBFactory() });
      await store.addCaptures([
        chatList('2024-03-05T11:00:00Z'),
        turnsPage([...OLD_TURNS, ...NEW_TURNS], '2024-03-05T11:00:00Z'),
      ]);
      const zip = await writeStoreExportZip(await previewStoreExport(store), { codec: portableZipCodec });
      await uploadExportZip({ endpoint: server.url, zip: zip.bytes, consent: 'private' });
      const { readFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const state = await settledState(server);
      for (const blob of state.blobs) {
        const text = readFileSync(join(server.dataDir, 'blobs', blob.slice(0, 2), blob), 'utf8');
        expect(text).not.toContain(USER_NAME.split(' ')[0]);
        expect(text).toContain('{{user}}');
      }
      store.close();
    } finally {
      await server.close();
    }
  });
});

describe('pygbox serve: starting', () => {
  it('names a port in use as a usage error and lets the data folder go', async () => {
    const first = await startTestServer({ verifyThreads: 0 });
    const { mkdtempSync, rmSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-serve-port-'));
    try {
      const port = Number(new URL(first.url).port);
      const error = await startTestServer({ dataDir, port, verifyThreads: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PygboxError);
      expect(error).toMatchObject({ code: 'usage' });
      expect((error as PygboxError).message).toMatch(/EADDRINUSE/);
      expect(existsSync(join(dataDir, 'serve.lock'))).toBe(false);
    } finally {
      await first.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('pygbox serve: after a crash between replacing a copy and compacting its pack', () => {
  it('compacts on start every pack that still holds a replaced copy', async () => {
    const { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createHash } = await import('node:crypto');
    const Database = (await import('better-sqlite3')).default;
    const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-serve-stale-'));
    try {
      const first = await startTestServer({ dataDir, verifyThreads: 0 });
      const kept = inventedChat(90, 4);
      await uploadExportZip({ endpoint: first.url, zip: await exportZipOf([kept]), consent: 'public' });
      await first.close();

      // What the crash leaves: a pack holding a replaced copy before the kept one.
      const [row] = folderState(dataDir).chats;
      const keptJson = readFileSync(join(dataDir, 'blobs', row?.blob.slice(0, 2) ?? '', row?.blob ?? ''));
      const stale = Buffer.from(`${JSON.stringify(inventedChat(90, 2))}\n`);
      const pack = Buffer.concat([stale, keptJson]);
      const name = createHash('sha256').update(pack).digest('hex');
      mkdirSync(join(dataDir, 'blobs', name.slice(0, 2)), { recursive: true });
      writeFileSync(join(dataDir, 'blobs', name.slice(0, 2), name), pack);
      const db = new Database(join(dataDir, 'catalogue.sqlite'));
      db.prepare('UPDATE chats SET blob = ?, byte_offset = ?').run(name, stale.length);
      db.close();

      const second = await startTestServer({ dataDir, verifyThreads: 0 });
      const state = await settledState(second);
      await second.close();
      expectConsistent(state);
      expect(state.blobs).toHaveLength(1);
      const onDisk = readFileSync(
        join(dataDir, 'blobs', state.blobs[0]?.slice(0, 2) ?? '', state.blobs[0] ?? ''),
        'utf8',
      );
      expect(onDisk).toBe(`${JSON.stringify(kept)}\n`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
