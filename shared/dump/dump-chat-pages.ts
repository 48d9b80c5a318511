import type { CaptureRecord } from '../capture/capture-record.ts';
import { dumpUrls } from './dump-api-urls.ts';
import type { DumpContext } from './dump-context.ts';
import { legacyMessagesPagingSchema, neoTurnsPagingSchema } from './dump-page-shapes.ts';
import { parsePaging } from './parse-paging.ts';

/** A chat's pages are followed at most this far: a guard against a token loop, not a real limit. */
const MAX_PAGES_PER_CHAT = 10_000;

/**
 * Every turns page of a neo chat, newest first, from the saved cursor if an earlier run stopped
 * inside it. Each page is recorded before the cursor moves past it, the last one (null
 * `next_token`) included; the cursor is dropped once the chat is complete.
 */
export async function dumpNeoChat(context: DumpContext, chatId: string): Promise<void> {
  const cursorKey = `neo:${chatId}`;
  const saved = await context.cursors.getChatCursor(cursorKey);
  let token = saved?.api === 'neo' ? saved.nextToken : undefined;
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES_PER_CHAT; page += 1) {
    const record = await fetchChatPage(
      context,
      dumpUrls.neoTurns(context.hosts, chatId, token),
      page === 0 && saved !== undefined ? cursorKey : undefined,
    );
    const turns = parsePaging(neoTurnsPagingSchema, record);
    context.progress.report({ items: context.progress.current.items + turns.turns.length });
    if (token !== undefined) seen.add(token);
    const next = turns.meta;
    if (next === undefined || seen.has(next)) break;
    await context.cursors.putChatCursor(cursorKey, { api: 'neo', nextToken: next });
    token = next;
  }
  await context.cursors.deleteChatCursor(cursorKey);
}

/** Every `page_num` of a legacy chat's messages until `has_more` is false, resumable the same way. */
export async function dumpLegacyChat(context: DumpContext, chatId: string): Promise<void> {
  const cursorKey = `legacy:${chatId}`;
  const saved = await context.cursors.getChatCursor(cursorKey);
  let pageNum = saved?.api === 'legacy' ? saved.pageNum : 1;
  for (let page = 0; page < MAX_PAGES_PER_CHAT; page += 1) {
    const url = dumpUrls.legacyMessages(context.hosts, chatId, pageNum);
    const messages = parsePaging(
      legacyMessagesPagingSchema,
      await fetchChatPage(context, url, page === 0 && saved !== undefined ? cursorKey : undefined),
    );
    context.progress.report({ items: context.progress.current.items + messages.messages.length });
    if (messages.has_more !== true) break;
    const next = messages.next_page ?? pageNum + 1;
    if (next <= pageNum) break;
    await context.cursors.putChatCursor(cursorKey, { api: 'legacy', pageNum: next });
    pageNum = next;
  }
  await context.cursors.deleteChatCursor(cursorKey);
}

/**
 * One page of a chat. When it is the first page asked from a saved cursor and it fails, the cursor
 * is forgotten: a position the site no longer accepts (an expired token) would otherwise fail the
 * chat on every later run. The next run starts the chat from its first page instead; the pages
 * before the cursor are stored already and the store dedupes them.
 */
async function fetchChatPage(
  context: DumpContext,
  url: string,
  savedCursorKey: string | undefined,
): Promise<CaptureRecord> {
  try {
    return await context.fetchPage(url, { method: 'GET' }, 'dumping');
  } catch (error) {
    if (savedCursorKey !== undefined && !context.isFatal(error)) {
      await context.cursors.deleteChatCursor(savedCursorKey);
    }
    throw error;
  }
}
