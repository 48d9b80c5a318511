import type { Character, Chat, Identity } from '../chat/chat.ts';

/** Why a capture record gave no data. Messages name the endpoint path, never user content. */
export type CaptureProblemKind =
  | 'unknown-endpoint'
  | 'unknown-shape'
  | 'neo-error'
  | 'html-error'
  | 'http-error'
  | 'rate-limited';

export interface CaptureProblem {
  /** Index of the record in the list given to the adapter (0-based). */
  recordIndex: number;
  /** URL path of the record, without query string (query strings can hold tokens). */
  endpoint: string;
  kind: CaptureProblemKind;
  message: string;
}

/** Everything the adapters could read from a batch of records or a dumper file. */
export interface AdaptedCaptures {
  /** Assembled chats: pages merged by turn id, in order, character info applied where known. */
  chats: Chat[];
  /** Character info seen in the batch, keyed by `id` where the site gave one. */
  characters: Character[];
  /** Account-level identities (user info, personas, chat-list creators) not tied to one chat. */
  identities: Identity[];
  problems: CaptureProblem[];
  /** How many records contributed data. */
  recordsUsed: number;
}
