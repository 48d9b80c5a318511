import { availableParallelism } from 'node:os';

/** Everything `pygbox serve` runs with; the command fills it from its options and environment. */
export interface ServeConfig {
  host: string;
  /** 0 picks a free port (tests, the benchmark). */
  port: number;
  dataDir: string;
  /** Largest upload body accepted. */
  maxUploadBytes: number;
  /** Uploads per minute per client address, and how many may come at once. */
  uploadsPerMinute: number;
  uploadBurst: number;
  /** Uploads being received or checked at once; more are refused with 503 before their body is read. */
  maxConcurrentUploads: number;
  /**
   * Of those, how many one client (client-address.ts) may have at once: without it one address
   * could hold every slot with slow uploads and lock everyone else out until the request timeout.
   */
  maxConcurrentUploadsPerClient: number;
  /** Guards listing and export; undefined turns the admin API off. */
  adminToken: string | undefined;
  /** Names no stored chat may contain (the audit refuses an upload holding one). */
  blocklist: readonly string[];
  /**
   * Addresses of reverse proxies (the TLS front) whose X-Forwarded-For names the real client, so
   * the rate limit counts clients rather than the proxy; empty trusts none.
   */
  trustProxy: readonly string[];
  /** Threads that check uploads; 0 checks them on the event loop. */
  verifyThreads: number;
  /** A request still unfinished after this long is cut off (slow or stalled clients). */
  requestTimeoutMs: number;
  /** A connection that sends nothing for this long is closed (a stalled upload frees its slot). */
  idleTimeoutMs: number;
  log: (line: string) => void;
}

export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8765,
  dataDir: 'pygbox-collect',
  maxUploadMegabytes: 64,
  uploadsPerMinute: 6,
  uploadBurst: 10,
  maxConcurrentUploads: 8,
  maxConcurrentUploadsPerClient: 2,
  requestTimeoutMs: 10 * 60 * 1000,
  idleTimeoutMs: 30 * 1000,
  /** One core is left to the event loop (receiving, SQLite, answering); more than 4 rarely pays. */
  verifyThreads: Math.max(1, Math.min(4, availableParallelism() - 1)),
} as const;

export const ADMIN_TOKEN_ENV = 'PYGBOX_ADMIN_TOKEN';
export const BLOCKLIST_ENV = 'PYGBOX_BLOCKLIST';
/** Shorter admin tokens are refused: the admin API hands out the whole catalogue. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
