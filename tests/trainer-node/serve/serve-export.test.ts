import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uploadExportZip } from '../../../shared/upload/upload-export-zip.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import {
  exportZipOf,
  folderState,
  inventedChat,
  startTestServer,
  type TestServer,
} from './serve-fixtures.ts';

const BIN = resolve(import.meta.dirname, '../../../trainer-node/bin/pygbox.js');
const run = promisify(execFile);
const failureSchema = z.object({ code: z.number(), stderr: z.string() });

describe('pygbox serve export', () => {
  let server: TestServer;
  let outDir: string;
  beforeAll(async () => {
    server = await startTestServer();
    outDir = mkdtempSync(join(tmpdir(), 'pygbox-export-'));
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(1, 4), inventedChat(2, 5)]),
      consent: 'public',
    });
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(3, 6), inventedChat(4, 2)]),
      consent: 'private',
    });
    // A longer re-upload of a public chat: the export holds the longer copy.
    await uploadExportZip({
      endpoint: server.url,
      zip: await exportZipOf([inventedChat(1, 7)]),
      consent: 'public',
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes the public chats, and only those, as a zip the reader accepts, beside the running server', async () => {
    const out = join(outDir, 'data.zip');
    const { stdout } = await run(process.execPath, [
      BIN,
      'serve',
      'export',
      '--public',
      '-o',
      out,
      '--data',
      server.dataDir,
      '--format',
      'dumper,sillytavern',
    ]);
    expect(stdout).toMatch(
      /wrote 2 public chats \(12 messages\) and 0 preference records to .*data\.zip; 2 private chats stayed/,
    );
    const { manifest, chats } = await readExportZip(new Uint8Array(readFileSync(out)));
    expect(manifest.formats).toEqual(['dumper', 'sillytavern']);
    expect(manifest.anonymizerVersion).toBe('1.2.0');
    expect(chats.map((chat) => chat.key).sort()).toEqual(
      [inventedChat(1, 7).key, inventedChat(2, 5).key].sort(),
    );
    expect(chats.find((chat) => chat.key === inventedChat(1, 7).key)).toEqual(inventedChat(1, 7));
    const text = readFileSync(out);
    for (const privateChat of [inventedChat(3, 6), inventedChat(4, 2)]) {
      expect(chats.map((chat) => chat.key)).not.toContain(privateChat.key);
      expect(text.includes(privateChat.key)).toBe(false);
    }
  });

  it('builds a dataset from the export, as an operator would', async () => {
    const out = join(outDir, 'for-dataset.zip');
    await run(process.execPath, [BIN, 'serve', 'export', '--public', '-o', out, '--data', server.dataDir]);
    const tokenizer = join(outDir, 'tokenizer');
    await run(process.execPath, [BIN, 'dataset', 'tokenizer', tokenizer, '--variant', 'gpt2']);
    const built = await run(process.execPath, [
      BIN,
      'dataset',
      'build',
      out,
      '-o',
      join(outDir, 'dataset'),
      '--tokenizer',
      tokenizer,
    ]);
    expect(built.stdout).toMatch(/^pygbox-zip: 1 file\(s\), 2 chat\(s\), 12 message\(s\)/m);
    expect(built.stdout).toContain(`wrote ${join(outDir, 'dataset')}`);
  });

  it('refuses to export without --public, writing nothing', async () => {
    const out = join(outDir, 'all.zip');
    const failure = failureSchema.parse(
      await run(process.execPath, [BIN, 'serve', 'export', '-o', out, '--data', server.dataDir]).catch(
        (e: unknown) => e,
      ),
    );
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/only the public subset can be exported/);
    expect(failure.stderr).toMatch(/hint: pass --public/);
    expect(existsSync(out)).toBe(false);
  });

  it('fails closed when a public chat holds a name the operator has since blocklisted', async () => {
    const out = join(outDir, 'blocked.zip');
    const failure = failureSchema.parse(
      await run(process.execPath, [BIN, 'serve', 'export', '--public', '-o', out, '--data', server.dataDir], {
        env: { ...process.env, PYGBOX_BLOCKLIST: 'Quill' },
      }).catch((e: unknown) => e),
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/audit found/);
    expect(existsSync(out)).toBe(false);
    expect(folderState(server.dataDir).chats).toHaveLength(4);
  });

  it('names a data folder that holds no catalogue', async () => {
    const failure = failureSchema.parse(
      await run(process.execPath, [
        BIN,
        'serve',
        'export',
        '--public',
        '-o',
        join(outDir, 'x.zip'),
        '--data',
        join(outDir, 'nowhere'),
      ]).catch((e: unknown) => e),
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/cannot open the catalogue/);
    expect(failure.stderr).toMatch(/nowhere/);
  });
});
