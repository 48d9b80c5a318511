import type { Character, Chat, Message } from './chat.ts';
import { uniqueIdentities } from './identities.ts';
import { mergeCharacters } from './merge-characters.ts';

/**
 * The one merge rule for chats seen more than once: pages of a capture batch, a re-captured chat
 * in the store, the same chat from two files. Merging is idempotent (`mergeChats(a, a)` is `a`,
 * merging the same incoming chat twice changes nothing more), so re-importing is always safe.
 */

/** The name a chat gets when nothing names its character; merges treat it as no value. */

/**
 * Merges a chat seen again into the one already known. `incoming` is the newer capture: its text
 * wins for messages both have (unless it lost the text), swipes are unioned, character fields are
 * filled from whichever has them (incoming first), identities unioned.
 */
export function mergeChats(existing: Chat, incoming: Chat): Chat {
  const older = normalizeChat(existing);
  const newer = normalizeChat(incoming);
  const merged: Chat = {
    chatId: older.chatId,
    source: older.source,
    character: mergeCharacters(older.character, newer.character),
    messages: mergeMessageLists(older.messages, newer.messages),
    identities: uniqueIdentities([...older.identities, ...newer.identities]),
  };
  const createdAt = earlierTime(older.createdAt, newer.createdAt);
  if (createdAt !== undefined) merged.createdAt = createdAt;
  return merged;
}

/** Fills `chat.character` from the character info with the same id; info wins where it has a value. */
export function applyCharacterInfo(chat: Chat, characters: readonly Character[]): Chat {
  const id = chat.character.id;
  if (id === undefined) return chat;
  const info = characters.find((character) => character.id === id);
  if (info === undefined) return chat;
  return { ...chat, character: mergeCharacters(chat.character, info) };
}

/**
 * The canonical form merges compare: one message per id (duplicates merged in list order), swipes
 * without duplicates, empties or the chosen text, identities without duplicates.
 */
export function normalizeChat(chat: Chat): Chat {
  const byId = new Map<string, Message>();
  for (const message of chat.messages) {
    const seen = byId.get(message.id);
    byId.set(message.id, seen === undefined ? normalizeMessage(message) : mergeMessage(seen, message));
  }
  return { ...chat, messages: [...byId.values()], identities: uniqueIdentities(chat.identities) };
}

function normalizeMessage(message: Message): Message {
  return { ...message, swipes: cleanSwipes(message.text, [message.swipes]) };
}

/**
 * One message seen twice. The newer copy's text wins unless the site sent it without text; the
 * text it replaces becomes a swipe (the user picked another candidate), except after an edit,
 * where the old text was rewritten rather than swiped away.
 */
function mergeMessage(existing: Message, incoming: Message): Message {
  const keepExistingText = incoming.textMissing === true && existing.textMissing !== true;
  const chosen = keepExistingText ? existing : incoming;
  const replaced =
    !keepExistingText && existing.textMissing !== true && incoming.edited !== true ? [existing.text] : [];
  const merged: Message = {
    id: existing.id,
    role: incoming.role,
    text: chosen.text,
    swipes: cleanSwipes(chosen.text, [incoming.swipes, existing.swipes, replaced]),
  };
  const authorName = incoming.authorName ?? existing.authorName;
  if (authorName !== undefined) merged.authorName = authorName;
  const authorId = incoming.authorId ?? existing.authorId;
  if (authorId !== undefined) merged.authorId = authorId;
  const createdAt = incoming.createdAt ?? existing.createdAt;
  if (createdAt !== undefined) merged.createdAt = createdAt;
  // Sequences are positions within one capture batch: the first one seen stays, so the order
  // already decided does not move.
  const sequence = existing.sequence ?? incoming.sequence;
  if (sequence !== undefined) merged.sequence = sequence;
  if (chosen.textMissing === true) merged.textMissing = true;
  if (existing.edited === true || incoming.edited === true) merged.edited = true;
  return merged;
}

function cleanSwipes(chosenText: string, lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>([chosenText]);
  const swipes: string[] = [];
  for (const list of lists) {
    for (const swipe of list) {
      if (swipe === '' || seen.has(swipe)) continue;
      seen.add(swipe);
      swipes.push(swipe);
    }
  }
  return swipes;
}

/**
 * Union of two ordered message lists by id, linear time. Messages both lists hold anchor the
 * merge: what one list has between two anchors stays between them. Where neither list says,
 * times decide, then sequences, then the existing list goes first. Re-merging a list into a merge
 * that already holds all of it keeps the merged order, which makes the merge idempotent.
 */
function mergeMessageLists(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  const existingById = new Map(existing.map((message) => [message.id, message]));
  const incomingById = new Map(incoming.map((message) => [message.id, message]));
  const emitted = new Set<string>();
  const merged: Message[] = [];
  const emit = (id: string): void => {
    const older = existingById.get(id);
    const newer = incomingById.get(id);
    const message = older === undefined ? newer : newer === undefined ? older : mergeMessage(older, newer);
    if (message !== undefined) merged.push(message);
    emitted.add(id);
  };

  let i = 0;
  let j = 0;
  while (i < existing.length || j < incoming.length) {
    const older = existing[i];
    const newer = incoming[j];
    if (older !== undefined && emitted.has(older.id)) {
      i += 1;
      continue;
    }
    if (newer !== undefined && emitted.has(newer.id)) {
      j += 1;
      continue;
    }
    if (older === undefined || newer === undefined) {
      const rest = older ?? newer;
      if (rest !== undefined) emit(rest.id);
      if (older === undefined) j += 1;
      else i += 1;
      continue;
    }
    if (older.id === newer.id) {
      emit(older.id);
      i += 1;
      j += 1;
      continue;
    }
    if (takesExistingFirst(older, newer, incomingById.has(older.id), existingById.has(newer.id))) {
      emit(older.id);
      i += 1;
    } else {
      emit(newer.id);
      j += 1;
    }
  }
  return merged;
}

function takesExistingFirst(
  older: Message,
  newer: Message,
  olderIsShared: boolean,
  newerIsShared: boolean,
): boolean {
  // An anchor waits until what comes before it in the other list is out.
  if (olderIsShared && !newerIsShared) return false;
  if (!olderIsShared && newerIsShared) return true;
  if (olderIsShared && newerIsShared) return true;
  return compareMessageOrder(older, newer) <= 0;
}

/** Negative when `a` comes first by time, else by sequence; 0 when neither says. */
function compareMessageOrder(a: Message, b: Message): number {
  const timeA = timeMs(a.createdAt);
  const timeB = timeMs(b.createdAt);
  if (timeA !== undefined && timeB !== undefined && timeA !== timeB) return timeA - timeB;
  if (a.sequence !== undefined && b.sequence !== undefined && a.sequence !== b.sequence) {
    return a.sequence - b.sequence;
  }
  return 0;
}

function earlierTime(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const msA = timeMs(a);
  const msB = timeMs(b);
  if (msA === undefined || msB === undefined) return a;
  return msB < msA ? b : a;
}

function timeMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
