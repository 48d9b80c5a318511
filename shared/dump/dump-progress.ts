/** What a running dump reports after every step, for a progress line and counts. */
export interface DumpProgress {
  phase: 'listing' | 'dumping' | 'waiting' | 'finished' | 'cancelled' | 'failed';
  /** Chats the listing found (0 until it has). */
  chatsTotal: number;
  chatsDone: number;
  chatsFailed: number;
  /** Responses recorded by this run. */
  pages: number;
  /** Turns or messages in those responses (a re-fetched page counts again; the store dedupes). */
  items: number;
  retries: number;
  /** Set while waiting before a retry. */
  waitMs?: number;
  /** The latest problem in plain words, never quoting site data. */
  problem?: string;
  /** True when this run continued a job that an earlier run left unfinished. */
  resumed: boolean;
}
