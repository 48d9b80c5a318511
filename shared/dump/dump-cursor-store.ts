import { type DBSchema, type IDBPDatabase, wrap } from 'idb';
import { z } from 'zod';
import { PygboxError } from '../errors/pygbox-error.ts';

/**
 * Where an unfinished dump stopped: the job (the chats its listing found, those finished) and, per
 * chat, the next page to ask for. It is transient job state, not data, so it lives in its own small
 * database ('pygbox-dump'), apart from the store. It never holds a session token; a row that does
 * not read is dropped, and the dump it belonged to starts over (the store dedupes what it re-adds).
 */
const chatRefSchema = z.object({ api: z.enum(['neo', 'legacy']), chatId: z.string().min(1) });

export const dumpJobSchema = z.object({
  key: z.string().min(1),
  chats: z.array(chatRefSchema),
  /** Chat ids fully paged through. */
  done: z.array(z.string()),
});
export type DumpJob = z.infer<typeof dumpJobSchema>;

/** The next page of one chat: a neo `next_token`, or a legacy `page_num`. */
export const chatCursorSchema = z.union([
  z.object({ api: z.literal('neo'), nextToken: z.string().min(1) }),
  z.object({ api: z.literal('legacy'), pageNum: z.number().int().min(1) }),
]);
export type ChatCursor = z.infer<typeof chatCursorSchema>;

export interface DumpCursorStore {
  getJob(key: string): Promise<DumpJob | undefined>;
  putJob(job: DumpJob): Promise<void>;
  deleteJob(key: string): Promise<void>;
  getChatCursor(chatKey: string): Promise<ChatCursor | undefined>;
  putChatCursor(chatKey: string, cursor: ChatCursor): Promise<void>;
  deleteChatCursor(chatKey: string): Promise<void>;
  close(): void;
}

interface DumpCursorDB extends DBSchema {
  cursors: { key: string; value: unknown };
}

export const DUMP_CURSOR_DB = 'pygbox-dump';
const VERSION = 1;

export interface OpenDumpCursorStoreOptions {
  name?: string;
  indexedDB?: IDBFactory;
}

export async function openDumpCursorStore(
  options: OpenDumpCursorStoreOptions = {},
): Promise<DumpCursorStore> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  const name = options.name ?? DUMP_CURSOR_DB;
  if (factory === undefined) throw cursorStoreError(name, new Error('IndexedDB is not available'));
  let db: IDBPDatabase<DumpCursorDB>;
  try {
    const request = factory.open(name, VERSION);
    request.addEventListener('upgradeneeded', () => {
      if (!request.result.objectStoreNames.contains('cursors')) request.result.createObjectStore('cursors');
    });
    // `wrap` only names the schema type, as idb's own openDB does; rows stay `unknown`.
    db = (await wrap(request)) as unknown as IDBPDatabase<DumpCursorDB>;
  } catch (error) {
    throw cursorStoreError(name, error);
  }
  db.addEventListener('versionchange', () => db.close());

  const read = async <T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> => {
    const row = await db.get('cursors', key);
    if (row === undefined) return undefined;
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data;
    await db.delete('cursors', key);
    return undefined;
  };
  const jobKey = (key: string) => `job:${key}`;
  const chatKey = (key: string) => `chat:${key}`;

  return {
    getJob: (key) => read(jobKey(key), dumpJobSchema),
    async putJob(job) {
      await db.put('cursors', dumpJobSchema.parse(job), jobKey(job.key));
    },
    async deleteJob(key) {
      await db.delete('cursors', jobKey(key));
    },
    getChatCursor: (key) => read(chatKey(key), chatCursorSchema),
    async putChatCursor(key, cursor) {
      await db.put('cursors', chatCursorSchema.parse(cursor), chatKey(key));
    },
    async deleteChatCursor(key) {
      await db.delete('cursors', chatKey(key));
    },
    close: () => db.close(),
  };
}

function cursorStoreError(name: string, cause: unknown): PygboxError {
  return new PygboxError('store-failed', 'the dump progress database did not open', {
    hint: 'Allow site data for character.ai (and leave private browsing), then reload and start the dump again.',
    place: { file: `IndexedDB ${name}` },
    cause,
  });
}
