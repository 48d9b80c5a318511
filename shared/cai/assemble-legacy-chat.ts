import type { Chat, Message } from '../chat/chat.ts';
import { uniqueIdentities } from '../chat/identities.ts';
import { UNKNOWN_CHARACTER_NAME } from '../chat/merge-characters.ts';
import { attachLegacyAlternatives } from './attach-legacy-alternatives.ts';
import type { LegacyMessage, LegacyPage } from './capture-yield.ts';
import { type Captured, compareCaptureTime } from './captured.ts';

interface MessageSighting {
  message: LegacyMessage;
  page: Captured<LegacyPage>;
  position: number;
}

const NUMERIC_ID = /^\d+$/;

/**
 * One legacy chat from every history and msgs page of it, in any order. A message seen several
 * times is taken from its latest capture. Order: by numeric message id when every id is numeric
 * (the site's ids grow with time), else older pages first and page order within a page.
 * Alternatives are then folded into their messages as swipes.
 */
export function assembleLegacyChat(chatId: string, pages: readonly Captured<LegacyPage>[]): Chat {
  const latestById = new Map<string, MessageSighting>();
  for (const page of pages) {
    page.value.messages.forEach((message, position) => {
      const known = latestById.get(message.id);
      if (known === undefined || compareCaptureTime(known.page, page) <= 0) {
        latestById.set(message.id, { message, page, position });
      }
    });
  }
  const sightings = [...latestById.values()];
  const numeric = sightings.every((sighting) => NUMERIC_ID.test(sighting.message.id));
  sightings.sort(
    (a, b) =>
      (numeric ? compareNumericIds(a.message.id, b.message.id) : 0) ||
      b.page.value.pageNum - a.page.value.pageNum ||
      a.position - b.position ||
      compareCaptureTime(a.page, b.page),
  );
  const ordered = sightings.map((sighting) => sighting.message);
  const messages = attachLegacyAlternatives(ordered).map(({ message, swipes }, index) =>
    toMessage(message, swipes, numeric ? Number(message.id) : index),
  );

  const first = pages[0]?.value;
  const botName = [...messages]
    .reverse()
    .find((message) => message.role === 'char' && message.authorName)?.authorName;
  const chat: Chat = {
    chatId,
    source: first?.source ?? 'legacy',
    character: { name: botName ?? UNKNOWN_CHARACTER_NAME },
    messages,
    identities: uniqueIdentities(ordered.flatMap((message) => message.identities)),
  };
  const characterId = pages.find((page) => page.value.characterId !== undefined)?.value.characterId;
  if (characterId !== undefined) chat.character.id = characterId;
  const createdAt = pages
    .map((page) => page.value.createdAt)
    .filter((time): time is string => time !== undefined)
    .sort()[0];
  if (createdAt !== undefined) chat.createdAt = createdAt;
  return chat;
}

function toMessage(legacy: LegacyMessage, swipes: readonly string[], sequence: number): Message {
  const message: Message = {
    id: legacy.id,
    role: legacy.isHuman ? 'user' : 'char',
    text: legacy.text,
    swipes: [...new Set(swipes)].filter((swipe) => swipe !== legacy.text),
    sequence,
  };
  if (legacy.authorName !== undefined) message.authorName = legacy.authorName;
  if (legacy.authorId !== undefined) message.authorId = legacy.authorId;
  if (legacy.createdAt !== undefined) message.createdAt = legacy.createdAt;
  if (legacy.textMissing) message.textMissing = true;
  return message;
}

/** Numeric ids compared exactly: past 2^53 `Number` would round neighbours to the same value. */
function compareNumericIds(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
