import type { Character, ChatSource, Identity } from '../chat/chat.ts';
import type { NeoTurn } from './neo-turn-schema.ts';

/**
 * What one capture record (or one dumper file) contributes before assembly. Adapters only read;
 * putting pages of one chat together happens later, once every record is known, so that records
 * may arrive in any order.
 */
export interface CaptureYield {
  neoPages?: NeoTurnPage[];
  legacyPages?: LegacyPage[];
  chatLinks?: ChatLink[];
  characters?: Character[];
  /** Account-level identities (the logged-in user, personas, chat creators). */
  identities?: Identity[];
}

/** One page of neo turns, newest first, as the site sent it. */
export interface NeoTurnPage {
  chatId: string;
  turns: NeoTurn[];
  /** The `next_token` the page was requested with; undefined for the first (newest) page. */
  requestToken: string | undefined;
  /** `meta.next_token`: the token of the next older page; null or undefined at the oldest page. */
  nextToken: string | null | undefined;
  /** Preview turns from a chat list: the newest turns of the chat, outside any page chain. */
  preview: boolean;
}

/** One legacy message, roles already taken from the human flag. */
export interface LegacyMessage {
  id: string;
  text: string;
  /** The site sent no text at all (null or missing), as opposed to an empty one. */
  textMissing: boolean;
  isHuman: boolean;
  isAlternative: boolean;
  authorName: string | undefined;
  authorId: string | undefined;
  createdAt: string | undefined;
  /** Identities this message reveals (human fields of `src`/`tgt`, responsible user). */
  identities: Identity[];
}

/**
 * A list of legacy messages of one chat: a whole history (histories endpoints, dumper file) or one
 * page of the msgs endpoint. Page numbers grow toward older history; whole histories use 0.
 */
export interface LegacyPage {
  chatId: string;
  source: Extract<ChatSource, 'legacy' | 'dumper'>;
  pageNum: number;
  messages: LegacyMessage[];
  createdAt: string | undefined;
  /** Set when the file itself says which character it is about (dumper files). */
  characterId: string | undefined;
}

/** What a chat list says about one chat: its character and creation time. */
export interface ChatLink {
  chatId: string;
  characterId: string | undefined;
  characterName: string | undefined;
  createdAt: string | undefined;
}
