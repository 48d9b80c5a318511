import { z } from 'zod';

/**
 * What the service worker asks a character.ai tab's relay to do: perform one request of the active
 * dumper inside the tab, where the user's session lives, and hand back the status and body text.
 * Only GET and POST to character.ai hosts are asked for; the relay checks that again.
 */
export const tabRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('tab-fetch'),
    url: z.string().url(),
    method: z.enum(['GET', 'POST']),
    /** A JSON body for POST endpoints (legacy histories, character info). */
    body: z.string().max(100_000).optional(),
  }),
  z.object({ type: z.literal('tab-ping') }),
]);
export type TabRequest = z.infer<typeof tabRequestSchema>;

export const tabFetchReplySchema = z.object({
  status: z.number().int().min(0).max(999),
  bodyText: z.string(),
  /** The response's content type, so an HTML error page is told apart from JSON. */
  contentType: z.string(),
  /** The raw `Retry-After` header of a 429 or 503, when the site sent one. */
  retryAfter: z.string().max(200).optional(),
});
export type TabFetchReply = z.infer<typeof tabFetchReplySchema>;

export const tabPingReplySchema = z.object({ ready: z.boolean() });
