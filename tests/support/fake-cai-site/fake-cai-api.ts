import { z } from 'zod';
import {
  FAKE_LEGACY_CHATS,
  FAKE_NEO_CHATS,
  FAKE_USER,
  type FakeNeoChat,
  fakeCharacter,
  fakeLegacyFlatMessage,
  fakeLegacyHistoryMessage,
  fakeNeoTurn,
  LEGACY_PAGE_SIZE,
  TURNS_PAGE_SIZE,
} from './fake-cai-data.ts';

/** What an API route answers: a status and a JSON body (or text for error pages). */
export interface FakeAnswer {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
}

export interface FakeApiOptions {
  /** Chats per page of the neo chat lists (`meta.next_token` to the next). */
  chatListPageSize: number;
}

/**
 * A page token the way the site's look: opaque, with characters that must be URL-encoded, so a
 * dumper that forgets `encodeURIComponent` asks for the wrong page.
 */
export function pageToken(scope: string, offset: number): string {
  return `pg+${offset}/${scope}==`;
}

function tokenOffset(scope: string, token: string | null): number | undefined {
  if (token === null || token === '') return 0;
  const match = /^pg\+(\d+)\/(.+)==$/.exec(token);
  if (match === null || match[2] !== scope) return undefined;
  return Number(match[1]);
}

const notFound = (what: string): FakeAnswer => ({ status: 404, json: { detail: `${what} not found` } });
const neoError = (comment: string): FakeAnswer => ({ status: 200, json: { command: 'neo_error', comment } });

function neoChatEntry(chat: FakeNeoChat): Record<string, unknown> {
  const character = fakeCharacter(chat.characterId);
  const newest = [chat.turnCount - 1, chat.turnCount - 2].filter((index) => index >= 0);
  return {
    chat_id: chat.chatId,
    create_time: chat.createTime,
    creator_id: FAKE_USER.id,
    character_id: chat.characterId,
    state: 'STATE_ACTIVE',
    type: 'TYPE_ONE_ON_ONE',
    visibility: 'VISIBILITY_PRIVATE',
    character_name: character?.name,
    character_avatar_uri: 'uploaded/2025/avatar.webp',
    preview_turns: newest.map((index) => fakeNeoTurn(chat, index)),
  };
}

function pagedChatList(
  scope: string,
  chats: readonly FakeNeoChat[],
  token: string | null,
  size: number,
): FakeAnswer {
  const offset = tokenOffset(scope, token);
  if (offset === undefined) return neoError('invalid next_token');
  const page = chats.slice(offset, offset + size);
  const next = offset + size < chats.length ? pageToken(scope, offset + size) : null;
  return { status: 200, json: { chats: page.map(neoChatEntry), meta: { next_token: next } } };
}

function characterBody(characterId: string): Record<string, unknown> | undefined {
  const character = fakeCharacter(characterId);
  if (character === undefined) return undefined;
  return {
    external_id: character.id,
    name: character.name,
    participant__name: character.name,
    title: character.title,
    greeting: character.greeting,
    description: `${character.name}, as invented for the Pygbox tests.`,
    definition: `{{char}}: ${character.greeting}`,
    user__username: character.creator,
    avatar_file_name: 'uploaded/2025/avatar.webp',
    visibility: 'PUBLIC',
  };
}

/** Neo API routes by path (host `neo.character.ai`). */
export function answerNeo(method: string, url: URL, body: unknown, options: FakeApiOptions): FakeAnswer {
  const path = url.pathname;
  const turns = /^\/turns\/([^/]+)\/?$/.exec(path);
  if (turns !== null && method === 'GET') {
    const chat = FAKE_NEO_CHATS.find((candidate) => candidate.chatId === decodeURIComponent(turns[1] ?? ''));
    if (chat === undefined) return neoError('chat not found');
    const offset = tokenOffset(chat.chatId, url.searchParams.get('next_token'));
    if (offset === undefined) return neoError('invalid next_token');
    // Newest first: offset 0 is the newest page.
    const newestIndex = chat.turnCount - 1 - offset;
    const indexes = Array.from({ length: TURNS_PAGE_SIZE }, (_, k) => newestIndex - k).filter(
      (index) => index >= 0,
    );
    const end = offset + TURNS_PAGE_SIZE;
    return {
      status: 200,
      json: {
        turns: indexes.map((index) => fakeNeoTurn(chat, index)),
        meta: { next_token: end < chat.turnCount ? pageToken(chat.chatId, end) : null },
      },
    };
  }
  if (path === '/chats/recent/' || path === '/chats/recent') {
    const chats = [...FAKE_NEO_CHATS].sort((a, b) => b.createTime.localeCompare(a.createTime));
    return pagedChatList('recent', chats, url.searchParams.get('next_token'), options.chatListPageSize);
  }
  const recentOf = /^\/chats\/recent\/([^/]+)\/?$/.exec(path);
  if (recentOf !== null) {
    const characterId = decodeURIComponent(recentOf[1] ?? '');
    const chats = FAKE_NEO_CHATS.filter((chat) => chat.characterId === characterId);
    return { status: 200, json: { chats: chats.map(neoChatEntry) } };
  }
  if (path === '/chats/' || path === '/chats') {
    const characterId = url.searchParams.get('character_ids') ?? '';
    const chats = FAKE_NEO_CHATS.filter((chat) => chat.characterId === characterId);
    return pagedChatList(
      `char-${characterId}`,
      chats,
      url.searchParams.get('next_token'),
      options.chatListPageSize,
    );
  }
  const single = /^\/chat\/([^/]+)\/?$/.exec(path);
  if (single !== null && method === 'GET') {
    const chat = FAKE_NEO_CHATS.find((candidate) => candidate.chatId === decodeURIComponent(single[1] ?? ''));
    return chat === undefined
      ? neoError('chat not found')
      : { status: 200, json: { chat: neoChatEntry(chat) } };
  }
  if (/^\/character\/v1\/get_character_info\/?$/.test(path) && method === 'POST') {
    const id = readField(body, 'external_id');
    const character = id === undefined ? undefined : characterBody(id);
    return character === undefined
      ? { status: 200, json: { status: 'NOT_OK', error: 'character not found' } }
      : { status: 200, json: { character } };
  }
  return notFound('neo endpoint');
}

/** Legacy API routes by path (hosts `plus.`, `beta.`, `old.character.ai` and the bare domain). */
export function answerLegacy(method: string, url: URL, body: unknown): FakeAnswer | undefined {
  const path = url.pathname;
  if (/^\/chat\/user\/?$/.test(path)) {
    return {
      status: 200,
      json: {
        user: {
          name: FAKE_USER.accountName,
          email: FAKE_USER.email,
          user: {
            id: Number(FAKE_USER.id),
            username: FAKE_USER.username,
            first_name: FAKE_USER.firstName,
            account: { name: FAKE_USER.accountName, avatar_file_name: '' },
            is_staff: false,
          },
        },
      },
    };
  }
  if (/^\/chat\/character\/histories(_v2)?\/?$/.test(path) && method === 'POST') {
    const characterId = readField(body, 'external_id');
    const histories = FAKE_LEGACY_CHATS.filter((chat) => chat.characterId === characterId).map((chat) => ({
      external_id: chat.chatId,
      created: '2023-05-01T12:00:00Z',
      last_interaction: '2023-05-01T13:00:00Z',
      msgs: Array.from({ length: chat.messageCount }, (_, index) => fakeLegacyHistoryMessage(chat, index)),
    }));
    return { status: 200, json: { histories } };
  }
  if (/^\/chat\/history\/msgs\/user\/?$/.test(path)) {
    const chat = FAKE_LEGACY_CHATS.find(
      (candidate) => candidate.chatId === url.searchParams.get('history_external_id'),
    );
    if (chat === undefined) return notFound('history');
    const pageNum = Number.parseInt(url.searchParams.get('page_num') ?? '1', 10);
    // Page 1 holds the newest messages; each page is oldest first inside.
    const newestEnd = chat.messageCount - (pageNum - 1) * LEGACY_PAGE_SIZE;
    const start = Math.max(0, newestEnd - LEGACY_PAGE_SIZE);
    const indexes = Array.from({ length: Math.max(0, newestEnd - start) }, (_, k) => start + k);
    return {
      status: 200,
      json: {
        messages: indexes.map((index) => fakeLegacyFlatMessage(chat, index)),
        has_more: start > 0,
        next_page: pageNum + 1,
      },
    };
  }
  if (/^\/chat\/character\/(info|info-cached)?\/?$/.test(path) && method === 'POST') {
    const id = readField(body, 'external_id');
    const character = id === undefined ? undefined : characterBody(id);
    return character === undefined ? notFound('character') : { status: 200, json: { character } };
  }
  return undefined;
}

function readField(body: unknown, field: string): string | undefined {
  const parsed = z.record(z.string(), z.unknown()).safeParse(body);
  const value = parsed.success ? parsed.data[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}
