import type { CaiApiFamily } from '../cai/cai-hosts.ts';

/**
 * What to dump. `chat`: one chat (the current one of a character when `chatId` is absent, as the
 * site's own "continue chat" does); `character`: every chat with one character; `everything`: every
 * character in the user's recent chats, and all their chats. The legacy API is dumped only for one
 * chat or one character: it has no endpoint listing every character.
 */
export type DumpScope =
  | { kind: 'chat'; api: CaiApiFamily; characterId?: string; chatId?: string }
  | { kind: 'character'; api: CaiApiFamily; characterId: string }
  | { kind: 'everything' };

/** The key a dump job is saved under, so the same scope resumes the same job. */
export function dumpScopeKey(scope: DumpScope): string {
  switch (scope.kind) {
    case 'chat':
      return `chat:${scope.api}:${scope.characterId ?? ''}:${scope.chatId ?? ''}`;
    case 'character':
      return `character:${scope.api}:${scope.characterId}`;
    case 'everything':
      return 'everything';
  }
}

/** One chat to page through. */
export interface DumpChatRef {
  api: CaiApiFamily;
  chatId: string;
}
