import type { AdaptedCaptures, CaptureProblem } from '../cai/adapted-captures.ts';
import { type Character, type Chat, characterSchema, chatSchema, type Identity } from '../chat/chat.ts';
import { mergeCharacters } from '../chat/merge-characters.ts';
import { mergeChats } from '../chat/merge-chats.ts';
import { parseStoredRow } from './parse-stored-row.ts';
import type { CaptureRow } from './store-schema.ts';
import type { StoreTransaction } from './store-transaction.ts';

/** What one ingest did. Re-ingesting the same data gives `captures: 0, newMessages: 0`. */
export interface IngestSummary {
  /** Raw captures newly stored (duplicates of stored ones are not counted or stored). */
  captures: number;
  /** Chats the batch held data for, each merged into the store. */
  chats: number;
  /** Messages (by id) that no stored chat had before. */
  newMessages: number;
  problems: CaptureProblem[];
}

/**
 * Writes one batch inside `tx`: new raw captures, every chat merged with its stored version,
 * characters merged field by field, account identities. Everything it needs that is not a
 * stored row was computed before the transaction, which must not wait on anything else.
 */
export async function ingestAdapted(
  tx: StoreTransaction<'readwrite'>,
  adapted: AdaptedCaptures,
  captureRows: readonly CaptureRow[],
): Promise<IngestSummary> {
  const captures = await addNewCaptures(tx, captureRows);

  const incomingById = new Map<string, Chat>();
  for (const chat of adapted.chats) {
    const seen = incomingById.get(chat.chatId);
    incomingById.set(chat.chatId, seen === undefined ? chat : mergeChats(seen, chat));
  }
  const chatStore = tx.objectStore('chats');
  let newMessages = 0;
  for (const [chatId, incoming] of incomingById) {
    const storedValue = await chatStore.get(chatId);
    const stored =
      storedValue === undefined ? undefined : parseStoredRow(chatSchema, storedValue, 'chats', chatId);
    const merged = stored === undefined ? mergeChats(incoming, incoming) : mergeChats(stored, incoming);
    const knownIds = new Set(stored?.messages.map((message) => message.id));
    newMessages += merged.messages.filter((message) => !knownIds.has(message.id)).length;
    await chatStore.put(merged);
  }

  await putCharacters(tx, adapted.characters);
  await putIdentities(tx, adapted.identities);
  return { captures, chats: incomingById.size, newMessages, problems: adapted.problems };
}

async function addNewCaptures(
  tx: StoreTransaction<'readwrite'>,
  rows: readonly CaptureRow[],
): Promise<number> {
  const store = tx.objectStore('captures');
  const digests = store.index('digest');
  const added = new Set<string>();
  for (const row of rows) {
    if (added.has(row.digest) || (await digests.getKey(row.digest)) !== undefined) continue;
    await store.add(row);
    added.add(row.digest);
  }
  return added.size;
}

/** Characters without a site id cannot be keyed; their info already sits in their chats. */
async function putCharacters(
  tx: StoreTransaction<'readwrite'>,
  characters: readonly Character[],
): Promise<void> {
  const store = tx.objectStore('characters');
  const byId = new Map<string, Character>();
  for (const character of characters) {
    if (character.id === undefined) continue;
    const seen = byId.get(character.id);
    byId.set(character.id, seen === undefined ? character : mergeCharacters(seen, character));
  }
  for (const [id, incoming] of byId) {
    const storedValue = await store.get(id);
    const stored =
      storedValue === undefined ? undefined : parseStoredRow(characterSchema, storedValue, 'characters', id);
    await store.put(stored === undefined ? incoming : mergeCharacters(stored, incoming));
  }
}

/** Identities are a set: putting one that exists rewrites the same row. */
async function putIdentities(
  tx: StoreTransaction<'readwrite'>,
  identities: readonly Identity[],
): Promise<void> {
  const store = tx.objectStore('identities');
  for (const identity of identities) await store.put({ kind: identity.kind, value: identity.value });
}
