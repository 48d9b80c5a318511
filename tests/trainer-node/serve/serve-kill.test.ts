import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uploadExportZip } from '../../../shared/upload/upload-export-zip.ts';
import { spawnListening } from '../../support/spawn-listening.ts';
import { expectConsistent, exportZipOf, folderState, inventedChat, openRawUpload } from './serve-fixtures.ts';

/**
 * A crash or kill never leaves the catalogue inconsistent: the real `pygbox serve` runs as a child
 * process, is killed with SIGKILL mid-upload, and is started again on the same data folder.
 */

const BIN = resolve(import.meta.dirname, '../../../trainer-node/bin/pygbox.js');
const children: ChildProcess[] = [];
const folders: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function spawnServer(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const server = await spawnListening([
    BIN,
    'serve',
    '--port',
    '0',
    '--data',
    dataDir,
    '--rate',
    '6000',
    '--burst',
    '1000',
    '--max-concurrent',
    '64',
    // Every test upload comes from 127.0.0.1: one client, which may use all the slots here.
    '--max-concurrent-per-client',
    '64',
  ]);
  children.push(server.child);
  return server;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGKILL');
  await exited;
}

/** Each upload row's new chats are rows of their own: an upload is in the catalogue whole or not at all. */
function newChatsAddUp(dataDir: string): { uploads: number; newChats: number; chats: number } {
  const db = new Database(join(dataDir, 'catalogue.sqlite'), { readonly: true });
  try {
    return z
      .object({
        uploads: z.number(),
        newChats: z
          .number()
          .nullable()
          .transform((n) => n ?? 0),
        chats: z.number(),
      })
      .parse(
        db
          .prepare(
            'SELECT (SELECT count(*) FROM uploads) AS uploads, (SELECT sum(new_chats) FROM uploads) AS newChats, (SELECT count(*) FROM chats) AS chats',
          )
          .get(),
      );
  } finally {
    db.close();
  }
}

describe('pygbox serve killed mid-upload', () => {
  it('restarts on the same data folder with earlier uploads intact and nothing half-stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-kill-'));
    folders.push(dataDir);
    const first = await spawnServer(dataDir);
    const earlier = await exportZipOf([inventedChat(1, 4), inventedChat(2, 6)]);
    await uploadExportZip({ endpoint: first.url, zip: earlier, consent: 'public' });
    const stored = folderState(dataDir);
    expect(stored.chats).toHaveLength(2);

    // A slow upload: headers and part of the body, then the server dies.
    const later = await exportZipOf([inventedChat(3, 8), inventedChat(4, 8)]);
    const slow = openRawUpload(first.url, later.length);
    const slowEnded = new Promise<string>((resolveEnd) => {
      slow.on('error', (error) => resolveEnd(error.message));
      slow.on('response', (response) => resolveEnd(`answered ${response.statusCode}`));
    });
    for (let at = 0; at < later.length / 2; at += 64) {
      slow.write(later.subarray(at, at + 64));
      await new Promise((wait) => setTimeout(wait, 5));
    }
    await kill(first.child);
    expect(await slowEnded).not.toMatch(/answered/);

    // What a kill between writing blobs and committing leaves: a partial file and an unnamed blob.
    writeFileSync(join(dataDir, 'tmp', 'deadbeef.partial'), 'half a chat');
    const orphan = 'ab'.repeat(32);
    mkdirSync(join(dataDir, 'blobs', 'ab'), { recursive: true });
    writeFileSync(join(dataDir, 'blobs', 'ab', orphan), 'never committed');

    const second = await spawnServer(dataDir);
    expect(second.output()).toMatch(/removed 1 partial files and 1 blobs/);
    const recovered = folderState(dataDir);
    expect(recovered.temporaryFiles).toEqual([]);
    expect(recovered.chats).toEqual(stored.chats);
    expect(recovered.blobs).toEqual(stored.blobs);
    expectConsistent(recovered);

    // The interrupted upload can simply be sent again.
    const receipt = await uploadExportZip({ endpoint: second.url, zip: later, consent: 'public' });
    expect(receipt).toMatchObject({ chats: 2, newChats: 2 });
    expectConsistent(folderState(dataDir));
  });

  it('refuses a second server on a folder a live one uses, and takes over a dead one’s lock', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-kill-'));
    folders.push(dataDir);
    const first = await spawnServer(dataDir);
    const refused = await spawnServer(dataDir).catch((error: unknown) => String(error));
    expect(refused).toMatch(/exited with 2/);
    expect(refused).toMatch(new RegExp(`another pygbox serve \\(process ${first.child.pid}\\)`));
    await kill(first.child);
    const third = await spawnServer(dataDir);
    expect(third.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // A polite stop (SIGTERM) finishes, exits 0 and lets the folder go.
    const exited = new Promise<number | null>((resolveExit) => third.child.once('exit', resolveExit));
    third.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(third.output()).toMatch(/stopping/);
    expect(existsSync(join(dataDir, 'serve.lock'))).toBe(false);
  });

  it('keeps each of many concurrent uploads whole or absent when killed among them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-kill-'));
    folders.push(dataDir);
    const first = await spawnServer(dataDir);
    const zips = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        exportZipOf(Array.from({ length: 12 }, (_, chat) => inventedChat(1000 + index * 12 + chat, 6))),
      ),
    );
    // Some finish, some are mid-way when the server dies.
    const uploads = zips.map((zip) =>
      uploadExportZip({ endpoint: first.url, zip, consent: 'public' }).then(
        () => 'stored',
        () => 'lost',
      ),
    );
    await Promise.race(uploads);
    await kill(first.child);
    const outcomes = await Promise.all(uploads);
    expect(outcomes).toContain('stored');

    await spawnServer(dataDir);
    const state = folderState(dataDir);
    expect(state.temporaryFiles).toEqual([]);
    expectConsistent(state);
    const totals = newChatsAddUp(dataDir);
    expect(totals.chats).toBe(totals.newChats);
    expect(totals.chats).toBe(totals.uploads * 12);
    expect(totals.uploads).toBeGreaterThanOrEqual(outcomes.filter((outcome) => outcome === 'stored').length);
  });
});
