import { PygboxError } from '../errors/pygbox-error.ts';
import { dumpUrls } from './dump-api-urls.ts';
import type { DumpContext } from './dump-context.ts';
import { legacyHistoriesPagingSchema, neoChatListPagingSchema } from './dump-page-shapes.ts';
import { jsonPost } from './dump-request.ts';
import type { DumpChatRef, DumpScope } from './dump-scope.ts';
import { parsePaging } from './parse-paging.ts';

/**
 * The chats a scope covers, fetching (and recording) the pages that list them and the context
 * the export needs: the chat's link to its character and the character's info. Context pages are
 * best effort; the lists themselves must come.
 */
export async function listDumpChats(context: DumpContext, scope: DumpScope): Promise<DumpChatRef[]> {
  switch (scope.kind) {
    case 'chat':
      return scope.api === 'neo'
        ? listNeoChat(context, scope.characterId, scope.chatId)
        : listLegacyChat(context, scope);
    case 'character':
      if (scope.api === 'neo') return neoCharacterChats(context, scope.characterId);
      await legacyCharacterInfo(context, scope.characterId);
      await legacyHistories(context, scope.characterId);
      return [];
    case 'everything':
      return everything(context);
  }
}

async function listNeoChat(
  context: DumpContext,
  characterId: string | undefined,
  chatId: string | undefined,
): Promise<DumpChatRef[]> {
  let id = chatId;
  if (id === undefined) {
    if (characterId === undefined) throw noChatOpen();
    // The site's current chat with a character is the first of its recent chats.
    const recent = await neoChatList(context, (token) =>
      dumpUrls.neoRecentChats(context.hosts, characterId, token),
    );
    id = recent[0]?.chatId;
    if (id === undefined) {
      throw new PygboxError('dump-failed', 'this character has no chat to dump yet', {
        hint: 'Send a message to the character first, or open one of your chats with it.',
      });
    }
  } else {
    const url = dumpUrls.neoChat(context.hosts, id);
    await context.bestEffort(() => context.fetchPage(url, { method: 'GET' }, 'listing'));
  }
  if (characterId !== undefined) await neoCharacterInfo(context, characterId);
  return [{ api: 'neo', chatId: id }];
}

async function listLegacyChat(
  context: DumpContext,
  scope: { characterId?: string; chatId?: string },
): Promise<DumpChatRef[]> {
  if (scope.chatId === undefined) throw noChatOpen();
  if (scope.characterId !== undefined) await legacyCharacterInfo(context, scope.characterId);
  return [{ api: 'legacy', chatId: scope.chatId }];
}

async function everything(context: DumpContext): Promise<DumpChatRef[]> {
  const recent = await neoChatList(context, (token) =>
    dumpUrls.neoRecentChats(context.hosts, undefined, token),
  );
  const refs = new Map<string, DumpChatRef>();
  for (const characterId of new Set(recent.flatMap((chat) => chat.characterId ?? []))) {
    for (const ref of await neoCharacterChats(context, characterId)) refs.set(ref.chatId, ref);
  }
  // Recent chats the per-character lists left out (archived ones, say) still count.
  for (const chat of recent)
    if (!refs.has(chat.chatId)) refs.set(chat.chatId, { api: 'neo', chatId: chat.chatId });
  return [...refs.values()];
}

async function neoCharacterChats(context: DumpContext, characterId: string): Promise<DumpChatRef[]> {
  await neoCharacterInfo(context, characterId);
  const chats = await neoChatList(context, (token) =>
    dumpUrls.neoCharacterChats(context.hosts, characterId, token),
  );
  return chats.map((chat) => ({ api: 'neo', chatId: chat.chatId }));
}

/** A chat list is followed at most this far: a guard against a server that never ends it. */
const MAX_LIST_PAGES = 1_000;

/** Every page of a neo chat list, following `meta.next_token` where the site gives one. */
async function neoChatList(
  context: DumpContext,
  urlOf: (token: string | undefined) => string,
): Promise<{ chatId: string; characterId: string | undefined }[]> {
  const chats: { chatId: string; characterId: string | undefined }[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  do {
    pages += 1;
    const page = parsePaging(
      neoChatListPagingSchema,
      await context.fetchPage(urlOf(token), { method: 'GET' }, 'listing'),
    );
    chats.push(
      ...page.chats.map((chat) => ({ chatId: chat.chat_id, characterId: chat.character_id ?? undefined })),
    );
    if (token !== undefined) seen.add(token);
    token = page.meta !== undefined && !seen.has(page.meta) ? page.meta : undefined;
    if (token !== undefined && pages >= MAX_LIST_PAGES) {
      context.progress.report({
        problem: `a chat list did not end after ${MAX_LIST_PAGES} pages; the chats found so far are dumped`,
      });
      break;
    }
  } while (token !== undefined);
  return chats;
}

function neoCharacterInfo(context: DumpContext, characterId: string): Promise<void> {
  const url = dumpUrls.neoCharacterInfo(context.hosts);
  return context.bestEffort(() =>
    context.fetchPage(url, jsonPost({ external_id: characterId, lang: 'en' }), 'listing'),
  );
}

function legacyCharacterInfo(context: DumpContext, characterId: string): Promise<void> {
  const url = dumpUrls.legacyCharacterInfo(context.hosts);
  return context.bestEffort(() => context.fetchPage(url, jsonPost({ external_id: characterId }), 'listing'));
}

/** The legacy histories answer holds every chat with the character whole: nothing to page through. */
async function legacyHistories(context: DumpContext, characterId: string): Promise<void> {
  const url = dumpUrls.legacyHistories(context.hosts);
  const record = await context.fetchPage(url, jsonPost({ external_id: characterId, number: 999 }), 'listing');
  const page = parsePaging(legacyHistoriesPagingSchema, record);
  const messages = page.histories.reduce((sum, history) => sum + history.msgs.length, 0);
  context.progress.report({ items: context.progress.current.items + messages });
}

function noChatOpen(): PygboxError {
  return new PygboxError('usage', 'no chat is open on this page', {
    hint: 'Open the chat you want to dump on character.ai, then press the button again.',
  });
}
