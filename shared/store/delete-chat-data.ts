import { routeCapture } from '../cai/route-capture.ts';
import type { CaptureRecord } from '../capture/capture-record.ts';
import { captureRowSchema } from './store-schema.ts';
import type { StoreTransaction } from './store-transaction.ts';

/** What deleting one chat removed. */
export interface DeletedChat {
  /** The chat row existed. */
  chat: boolean;
  /** Raw captures removed because they held the chat's messages. */
  captures: number;
}

/**
 * Deletes a chat for good: its row and every raw capture that holds its messages (turns pages,
 * legacy history pages, a chat list's preview turns). Without the captures, re-parsing them with a
 * newer adapter would bring the deleted chat back.
 *
 * Its exclusions stay in the settings: the chat is still in the user's character.ai account, so
 * browsing it or a later dump captures it again, and a chat (or message) the user left out must then
 * still be left out, not exported because its local copy was once deleted.
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
