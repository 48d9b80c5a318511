import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { auditChats } from '../../../shared/anonymize/audit.ts';
import { anonChatKey } from '../../../shared/anonymize/chat-key.ts';
import type { AnonChat, AnonMessage } from '../../../shared/chat/anon-chat.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';
import type { ServeConfig } from '../../../trainer-node/serve/serve-config.ts';
import { type RunningServer, startServer } from '../../../trainer-node/serve/start-server.ts';

/** Invented chats and a real server on loopback for the collection server's tests. */

const CHARACTERS = ['Captain Brine', 'Professor Quill', 'Madame Fennel', 'Sir Pebble'];
const WORDS = [
  'lantern',
  'harbor',
  'biscuit',
  'comet',
  'meadow',
  'teapot',
  'glacier',
  'violin',
  'pepper',
  'orbit',
];

/** Chat `id` with `length` messages; a longer chat of the same id starts with the same messages. */
export function inventedChat(
  id: number,
  length: number,
  character = CHARACTERS[id % CHARACTERS.length],
): AnonChat {
  const name = character ?? 'Captain Brine';
  const messages: AnonMessage[] = [];
  for (let index = 0; index < length; index += 1) {
    const word = (offset: number) => WORDS[(id * 7 + index * 3 + offset) % WORDS.length] ?? 'lantern';
    messages.push({
      role: index % 2 === 0 ? 'char' : 'user',
      text: `Story ${wordsFor(id)} part ${wordsFor(index)}: the ${word(0)} met the ${word(1)} near the ${word(2)}.`,
      swipes: index % 3 === 2 ? [`Or the ${word(3)} sang.`] : [],
    });
  }
  return {
    key: anonChatKey(name, messages),
    source: 'neo',
    character: { name, greeting: `Hello, {{user}}, I am {{char}}.` },
    messages,
  };
}

/** The chat with its key computed again after a test edited its text. */
export function rekeyed(chat: AnonChat): AnonChat {
  return { ...chat, key: anonChatKey(chat.character.name, chat.messages) };
}

/** Numbers as words: digit runs could look like phone numbers to the PII patterns. */
function wordsFor(value: number): string {
  return [...String(value)].map((digit) => WORDS[Number(digit)] ?? 'lantern').join('-');
}

export async function exportZipOf(chats: readonly AnonChat[]): Promise<Uint8Array> {
  return writeExportZip(auditChats(chats, { identities: [] }), {
    anonymizerVersion: '1.2.0',
    toolVersion: '0.1.0',
    createdDay: '2026-03-01',
  });
}

export interface TestServer {
  url: string;
  dataDir: string;
  logs: string[];
  server: RunningServer;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ServeConfig> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'pygbox-serve-'));
  const logs: string[] = [];
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    maxUploadBytes: 8 * 1024 * 1024,
    uploadsPerMinute: 600,
    uploadBurst: 100,
    maxConcurrentUploads: 8,
    maxConcurrentUploadsPerClient: 8,
    adminToken: undefined,
    blocklist: [],
    requestTimeoutMs: 60_000,
    idleTimeoutMs: 30_000,
    verifyThreads: 1,
    trustProxy: [],
    log: (line) => logs.push(line),
    ...overrides,
    dataDir,
  });
  return {
    url: server.url,
    dataDir,
    logs,
    server,
    close: async () => {
      await server.close();
      if (overrides.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the data folder holds, read independently of the server's own code. */
export interface FolderState {
  uploads: number;
  chats: { key: string; blob: string; messages: number; consent: string }[];
  blobs: string[];
  temporaryFiles: string[];
}

const chatRowSchema = z.object({
  key: z.string(),
  blob: z.string(),
  messages: z.number(),
  consent: z.string(),
});

export function folderState(dataDir: string): FolderState {
  const db = new Database(join(dataDir, 'catalogue.sqlite'), { readonly: true });
  try {
    const uploads = z
      .object({ n: z.number() })
      .parse(db.prepare('SELECT count(*) AS n FROM uploads').get()).n;
    const chats = db
      .prepare('SELECT key, blob, messages, consent FROM chats ORDER BY key')
      .all()
      .map((row) => chatRowSchema.parse(row));
    const blobsDir = join(dataDir, 'blobs');
    const blobs = readdirSync(blobsDir).flatMap((folder) => readdirSync(join(blobsDir, folder)));
    return { uploads, chats, blobs: blobs.sort(), temporaryFiles: readdirSync(join(dataDir, 'tmp')) };
  } finally {
    db.close();
  }
}

/** The folder's state once the server's background work (compacting packs) is done. */
export async function settledState(server: TestServer): Promise<FolderState> {
  await server.server.settled();
  return folderState(server.dataDir);
}

/** Every row names a blob on disk and every blob is named by a row. */
export function expectConsistent(state: FolderState): void {
  const named = state.chats.map((chat) => chat.blob).sort();
  if (JSON.stringify([...new Set(named)].sort()) !== JSON.stringify(state.blobs)) {
    throw new Error(
      `catalogue and blobs disagree: rows name ${named.length}, disk holds ${state.blobs.length}`,
    );
  }
}

/**
 * An upload's request with its headers sent and none of its body, so a test can send the body
 * slowly, stop halfway, or cut the connection: what fetch cannot do.
 */
export function openRawUpload(serverUrl: string, bodyLength: number): ClientRequest {
  const url = new URL(`${serverUrl}/api/uploads`);
  return request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: {
      'Content-Type': 'application/zip',
      'X-Pygbox-Consent': 'public',
      'Content-Length': bodyLength,
    },
  });
}
