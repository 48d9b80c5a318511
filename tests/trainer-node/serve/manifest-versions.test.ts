import { describe, expect, it } from 'vitest';
import { auditChats } from '../../../shared/anonymize/audit.ts';
import { uploadErrorBodySchema } from '../../../shared/upload/upload-protocol.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';
import { folderState, inventedChat, startTestServer } from './serve-fixtures.ts';

/**
 * The manifest's version fields reach the catalogue and the public export's manifest, where the
 * audit never looks: free text there must be refused, not published.
 */
describe('pygbox serve: manifest version fields', () => {
  const planted = 'Jane Doe jane.doe@example.com';
  const cases = [
    { name: 'anonymizerVersion', versions: { anonymizerVersion: planted, toolVersion: '0.1.0' } },
    { name: 'tool.version', versions: { anonymizerVersion: '1.2.0', toolVersion: planted } },
  ];
  for (const { name, versions } of cases) {
    it(`refuses free text in ${name} with 422 and stores nothing`, async () => {
      const server = await startTestServer({ verifyThreads: 0 });
      try {
        const zip = await writeExportZip(auditChats([inventedChat(95, 2)], { identities: [] }), {
          ...versions,
          createdDay: '2026-03-01',
        });
        const response = await fetch(`${server.url}/api/uploads`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/zip', 'X-Pygbox-Consent': 'public' },
          body: zip.slice(),
        });
        expect(response.status).toBe(422);
        const { error } = uploadErrorBodySchema.parse(await response.json());
        expect(error.code).toBe('zip-invalid');
        expect(error.message).toContain(`${name} is not a version number`);
        expect(error.message).not.toContain('jane');
        expect(server.logs.join('\n')).not.toContain('jane');
        expect(folderState(server.dataDir)).toMatchObject({ uploads: 0, chats: [], blobs: [] });
      } finally {
        await server.close();
      }
    });
  }

  it('accepts release and pre-release version numbers', async () => {
    const server = await startTestServer({ verifyThreads: 0 });
    try {
      const zip = await writeExportZip(auditChats([inventedChat(96, 2)], { identities: [] }), {
        anonymizerVersion: '1.3.0-beta.2',
        toolVersion: '0.2.0+build.7',
        createdDay: '2026-03-01',
      });
      const response = await fetch(`${server.url}/api/uploads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/zip', 'X-Pygbox-Consent': 'public' },
        body: zip.slice(),
      });
      expect(response.status).toBe(201);
    } finally {
      await server.close();
    }
  });
});
