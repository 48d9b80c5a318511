import { routeCapture } from '../cai/route-capture.ts';
import type { CaptureRecord } from '../capture/capture-record.ts';
import { captureRowSchema, SETTINGS_KEY } from './store-schema.ts';
import { storeSettingsSchema } from './store-settings.ts';
import type { StoreTransaction } from './store-transaction.ts';

/** What deleting one chat removed. */
export interface DeletedChat {
  /** The chat row existed. */
  chat: boolean;
  /** Raw captures removed because they held the chat's messages. */
  captures: number;
}

/**
 * Deletes a chat for good: its row, every raw capture that holds its messages (turns pages, legacy
 * history pages, a chat list's preview turns), and its exclusions in the settings. Without the
 * captures, re-parsing them with a newer adapter would bring the deleted chat back.
 *
 * Captures are found by reading each one with the adapters, the same way ingest does, so no
 * second index has to be kept in step with them. A capture that holds several chats (a legacy
 * histories response, a chat list with previews) goes as a whole: the other chats keep what was
 * already merged into their rows, and deleting means deleting. A stored capture too damaged to read
 * is left alone: it cannot yield any chat on a re-parse either.
 */
export async function deleteChatData(
  tx: StoreTransaction<'readwrite'>,
  chatId: string,
): Promise<DeletedChat> {
  const chats = tx.objectStore('chats');
  const existed = (await chats.getKey(chatId)) !== undefined;
  if (existed) await chats.delete(chatId);

  let captures = 0;
  let cursor = await tx.objectStore('captures').openCursor();
  while (cursor) {
    const row = captureRowSchema.safeParse(cursor.value);
    if (row.success && recordHoldsChat(row.data.record, chatId)) {
      await cursor.delete();
      captures += 1;
    }
    cursor = await cursor.continue();
  }

  await dropExclusions(tx, chatId);
  return { chat: existed, captures };
}

function recordHoldsChat(record: CaptureRecord, chatId: string): boolean {
  const routed = routeCapture(record, 0);
  if (!routed.ok) return false;
  const { neoPages, legacyPages } = routed.yield;
  return (
    (neoPages ?? []).some((page) => page.chatId === chatId) ||
    (legacyPages ?? []).some((page) => page.chatId === chatId)
  );
}

/** Exclusions of a deleted chat point at nothing; a damaged settings row is left for its own error. */
async function dropExclusions(tx: StoreTransaction<'readwrite'>, chatId: string): Promise<void> {
  const store = tx.objectStore('settings');
  const parsed = storeSettingsSchema.safeParse(await store.get(SETTINGS_KEY));
  if (!parsed.success) return;
  const settings = parsed.data;
  const excludedChats = settings.excludedChats.filter((id) => id !== chatId);
  const excludedMessages = settings.excludedMessages.filter((entry) => entry.chatId !== chatId);
  if (
    excludedChats.length === settings.excludedChats.length &&
    excludedMessages.length === settings.excludedMessages.length
  )
    return;
  await store.put({ ...settings, excludedChats, excludedMessages }, SETTINGS_KEY);
}
