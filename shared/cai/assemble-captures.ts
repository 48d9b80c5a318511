import type { Character, Chat, Identity } from '../chat/chat.ts';
import { uniqueIdentities } from '../chat/identities.ts';
import { UNKNOWN_CHARACTER_NAME } from '../chat/merge-characters.ts';
import { applyCharacterInfo, mergeChats } from '../chat/merge-chats.ts';
import type { AdaptedCaptures, CaptureProblem } from './adapted-captures.ts';
import { assembleLegacyChat } from './assemble-legacy-chat.ts';
import { assembleNeoChat } from './assemble-neo-chat.ts';
import type { CaptureYield, ChatLink, LegacyPage, NeoTurnPage } from './capture-yield.ts';
import { type Captured, compareCaptureTime } from './captured.ts';
import { catalogCharacters, characterNamed } from './character-catalog.ts';

/**
 * Puts the yields of a whole batch together: pages grouped by chat and assembled, chat lists and
 * character info applied, identities gathered. The result does not depend on the order of the
 * records, only on their contents and capture times.
 */
export function assembleCaptures(
  yields: readonly Captured<CaptureYield>[],
  problems: readonly CaptureProblem[],
): AdaptedCaptures {
  const neoPages = groupByChat(yields.flatMap((captured) => spread(captured, captured.value.neoPages)));
  const legacyPages = groupByChat(yields.flatMap((captured) => spread(captured, captured.value.legacyPages)));
  const links = latestLinks(yields.flatMap((captured) => spread(captured, captured.value.chatLinks)));
  const characters = catalogCharacters(
    yields.flatMap((captured) => spread(captured, captured.value.characters)),
  );

  const chatIds = [...new Set([...neoPages.keys(), ...legacyPages.keys()])].sort();
  const chats = chatIds.flatMap((chatId) => {
    const chat = assembleChat(
      chatId,
      neoPages.get(chatId),
      legacyPages.get(chatId),
      links.get(chatId),
      characters,
    );
    return chat === undefined || chat.messages.length === 0 ? [] : [chat];
  });

  return {
    chats,
    characters,
    identities: sortIdentities(
      uniqueIdentities(yields.flatMap((captured) => captured.value.identities ?? [])),
    ),
    problems: [...problems].sort((a, b) => a.recordIndex - b.recordIndex),
    recordsUsed: yields.filter((captured) => yieldsSomething(captured.value)).length,
  };
}

function assembleChat(
  chatId: string,
  neo: readonly Captured<NeoTurnPage>[] | undefined,
  legacy: readonly Captured<LegacyPage>[] | undefined,
  link: ChatLink | undefined,
  characters: readonly Character[],
): Chat | undefined {
  const parts = [
    ...(neo === undefined ? [] : [assembleNeoChat(chatId, neo)]),
    ...(legacy === undefined ? [] : [assembleLegacyChat(chatId, legacy)]),
  ];
  let chat = parts.reduce<Chat | undefined>(
    (merged, part) => (merged === undefined ? part : mergeChats(merged, part)),
    undefined,
  );
  if (chat === undefined) return undefined;
  if (link !== undefined) chat = mergeChats(chat, chatOfLink(link, chat));
  if (chat.character.id === undefined) {
    // Legacy chats carry no character id: the bot's name finds the info when it is unambiguous.
    const named = characterNamed(characters, chat.character.name);
    if (named?.id !== undefined) chat = { ...chat, character: { ...chat.character, id: named.id } };
  }
  return applyCharacterInfo(chat, characters);
}

/** A message-less chat holding what a chat list says, merged in by the one merge rule. */
function chatOfLink(link: ChatLink, chat: Chat): Chat {
  const linked: Chat = {
    chatId: link.chatId,
    source: chat.source,
    character: { name: link.characterName ?? UNKNOWN_CHARACTER_NAME },
    messages: [],
    identities: [],
  };
  if (link.characterId !== undefined) linked.character.id = link.characterId;
  if (link.createdAt !== undefined) linked.createdAt = link.createdAt;
  return linked;
}

function spread<T>(captured: Captured<CaptureYield>, values: readonly T[] | undefined): Captured<T>[] {
  return (values ?? []).map((value) => ({
    value,
    capturedAt: captured.capturedAt,
    recordIndex: captured.recordIndex,
  }));
}

function groupByChat<T extends { chatId: string }>(
  items: readonly Captured<T>[],
): Map<string, Captured<T>[]> {
  const groups = new Map<string, Captured<T>[]>();
  for (const item of items) {
    const group = groups.get(item.value.chatId);
    if (group === undefined) groups.set(item.value.chatId, [item]);
    else group.push(item);
  }
  return groups;
}

/** One link per chat; the newest capture wins for each field it has. */
function latestLinks(links: readonly Captured<ChatLink>[]): Map<string, ChatLink> {
  const byChat = new Map<string, ChatLink>();
  for (const { value } of [...links].sort(compareCaptureTime)) {
    const known = byChat.get(value.chatId);
    byChat.set(
      value.chatId,
      known === undefined
        ? value
        : {
            chatId: value.chatId,
            characterId: value.characterId ?? known.characterId,
            characterName: value.characterName ?? known.characterName,
            createdAt: value.createdAt ?? known.createdAt,
          },
    );
  }
  return byChat;
}

function yieldsSomething(value: CaptureYield): boolean {
  return [value.neoPages, value.legacyPages, value.chatLinks, value.characters, value.identities].some(
    (list) => list !== undefined && list.length > 0,
  );
}

function sortIdentities(identities: Identity[]): Identity[] {
  return identities.sort((a, b) =>
    a.kind === b.kind ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.kind < b.kind ? -1 : 1,
  );
}
