import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChats } from '../../../shared/anonymize/audit.ts';
import { sealAuditedPreferences } from '../../../shared/anonymize/audited-preferences.ts';
import { anonPreferenceKey } from '../../../shared/export/preference-key.ts';
import type { AnonPreference } from '../../../shared/local-chat/anon-preference.ts';
import { CONSENT_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../shared/upload/upload-protocol.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';
import { openDataFolderToRead } from '../../../trainer-node/serve/data-folder.ts';
import { buildPublicExport } from '../../../trainer-node/serve/public-export.ts';
import { inventedChat, startTestServer, type TestServer } from './serve-fixtures.ts';

/** Invented records, keyed from their content as the extension's export keys them. */
function record(prompt: string): AnonPreference {
  return {
    key: anonPreferenceKey('Chef Sprocket', prompt),
    source: 'chat-page',
    promptFormatVersion: 1,
    character: { name: 'Chef Sprocket' },
    day: '2026-03-01',
    prompt,
    chosen: { text: 'Hello {{user}}.', model: 'a'.repeat(64), via: 'kept' },
    rejected: [{ text: 'Go away.', model: 'a'.repeat(64), via: 'swiped-away' }],
    models: [{ id: 'a'.repeat(64), name: 'opt-small' }],
  };
}
const SOUP = record('{{char}}: Welcome!\nYou: Soup?\n{{char}}:');
const PIE = record('{{char}}: Welcome!\nYou: Pie?\n{{char}}:');

async function zipWith(chatNumber: number, preferences: AnonPreference[]): Promise<Uint8Array> {
  return writeExportZip(auditChats([inventedChat(chatNumber, 3)], { identities: [] }), {
    anonymizerVersion: '1.2.0',
    toolVersion: '0.1.0',
    createdDay: '2026-03-01',
    // Sealed without the audit: these zips stand for a client that skipped it (or was altered).
    preferences: sealAuditedPreferences(preferences),
  });
}

async function upload(server: TestServer, zip: Uint8Array, consent: 'public' | 'private') {
  const response = await fetch(new URL('api/uploads', `${server.url}/`), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/zip',
      [CONSENT_HEADER]: consent,
      [PROTOCOL_HEADER]: PROTOCOL_VERSION,
    },
    body: new Blob([new Uint8Array(zip)]),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('pygbox serve and preference records', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('stores them, counts them in the receipt and catalogue, and publishes only public ones', async () => {
    const first = await upload(server, await zipWith(1, [SOUP, PIE]), 'public');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ chats: 1, preferences: 2, newPreferences: 2 });
    // The same record again, now private: held once, and withdrawn from publishing.
    const again = await upload(server, await zipWith(2, [PIE]), 'private');
    expect(again.body).toMatchObject({ preferences: 1, newPreferences: 0 });

    const { catalogue, blobs } = await openDataFolderToRead(server.dataDir);
    try {
      expect(catalogue.summary()).toMatchObject({ chats: 2, preferences: 2, publicPreferences: 1 });
      const exported = await buildPublicExport(catalogue, blobs, { blocklist: [] });
      expect(exported.preferences).toBe(1);
      expect((await readExportZip(exported.zip)).preferences).toEqual([SOUP]);
    } finally {
      catalogue.close();
    }
  });

  it('refuses a record whose key is not its content, or that the audit fails, storing nothing', async () => {
    const forged = await upload(server, await zipWith(3, [{ ...SOUP, key: PIE.key }]), 'public');
    expect(forged.status).toBe(422);
    expect(JSON.stringify(forged.body)).toContain("the record's key does not match its content");
    const leaky = record('{{char}}: Welcome!\nYou: mail me at quill@example.com\n{{char}}:');
    const refused = await upload(server, await zipWith(4, [leaky]), 'public');
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('preferences[0].prompt');
    expect(JSON.stringify(refused.body)).not.toContain('quill');
  });
});
