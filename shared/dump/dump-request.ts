import { z } from 'zod';

/**
 * How the dumper reaches Character.AI, whatever the platform: the userscript passes the page's own
 * fetch with the user's session, the extension a function that asks a character.ai tab to fetch.
 * The transport adds the session (the `Authorization` token); the dumper never sees or keeps it.
 */
export interface DumpRequestInit {
  method: 'GET' | 'POST';
  /** Plain headers the API needs besides the session (e.g. content-type of a JSON body). */
  headers?: Record<string, string>;
  /** A JSON text for POST endpoints. */
  body?: string;
  /** Cancels the request in flight when the dump is cancelled (transports may ignore it). */
  signal?: AbortSignal;
}

/** The response as text: JSON or not, the dumper records it as the page hook would. */
export interface DumpResponse {
  status: number;
  bodyText: string;
  /**
   * The `Retry-After` header, when the transport can read it (cross-origin fetches see it only if
   * the server exposes it). Optional: a transport that leaves it out gets plain backoff.
   */
  retryAfter?: string;
}

export type DumpRequest = (url: string, init: DumpRequestInit) => Promise<DumpResponse>;

/** Transports cross process and message boundaries: what they answer is checked, never trusted. */
export const dumpResponseSchema = z.object({
  status: z.number().int().min(0).max(999),
  bodyText: z.string(),
  retryAfter: z.string().max(200).optional(),
});

/** A POST with a JSON body, as the site sends to its character endpoints. */
export function jsonPost(body: unknown): Omit<DumpRequestInit, 'signal'> {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
