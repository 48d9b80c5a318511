import type { CaiApiFamily } from '../shared/cai/cai-hosts.ts';

/** Which chat and character the open page shows, and which API its site speaks. */
export interface PageChatContext {
  api: CaiApiFamily;
  /** The page's own origin, e.g. `https://old.character.ai`: the legacy API answers there. */
  origin: string;
  characterId?: string;
  chatId?: string;
}

/** The hosts of the legacy site; the bare domain and `www.` have served the neo site since 2024. */
const LEGACY_SITE_HOSTS: ReadonlySet<string> = new Set([
  'beta.character.ai',
  'plus.character.ai',
  'old.character.ai',
]);

/**
 * Reads the page address the way the site builds it: `/chat/{characterId}?hist={chatId}` (neo),
 * `/chat2?char={id}&hist={id}` (the chat2 era, neo too) and `/chat?char={id}&hist={id}` (legacy).
 * Any other page (home, search, profile) names no chat: only "Dump everything" applies there.
 */
export function pageChatContext(href: string): PageChatContext {
  const url = new URL(href);
  const api: CaiApiFamily = LEGACY_SITE_HOSTS.has(url.hostname.toLowerCase()) ? 'legacy' : 'neo';
  const context: PageChatContext = { api, origin: url.origin };
  const pathCharacter = /^\/chat\/([^/?#]+)\/?$/.exec(url.pathname)?.[1];
  const characterId =
    url.searchParams.get('char') ?? (pathCharacter === undefined ? null : decodeURIComponent(pathCharacter));
  const chatId = url.searchParams.get('hist');
  if (characterId !== null && characterId !== '') context.characterId = characterId;
  if (chatId !== null && chatId !== '') context.chatId = chatId;
  return context;
}
