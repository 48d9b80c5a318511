import { z } from 'zod';
import { wireErrorSchema } from './message-error.ts';
import { tabFetchReplySchema } from './tab-protocol.ts';

/**
 * Messages between the page-world hook and the isolated relay of one tab, over
 * `window.postMessage`. The page's own scripts see this channel too and may write to it, so each
 * side parses what it reads, ignores what is not addressed to it, and the relay re-checks captures
 * like any other external data. The session token never crosses it: the page world keeps it and
 * performs the dumper's requests itself.
 */
export const BRIDGE_CHANNEL = 'pygbox-bridge';

export const pageToRelaySchema = z.discriminatedUnion('kind', [
  z.object({
    channel: z.literal(BRIDGE_CHANNEL),
    from: z.literal('page'),
    kind: z.literal('capture'),
    record: z.unknown(),
  }),
  /** The hook saw the page sign in to the API: dump requests can carry the session. No token here. */
  z.object({ channel: z.literal(BRIDGE_CHANNEL), from: z.literal('page'), kind: z.literal('session-seen') }),
  z.object({
    channel: z.literal(BRIDGE_CHANNEL),
    from: z.literal('page'),
    kind: z.literal('fetch-reply'),
    id: z.string(),
    result: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), reply: tabFetchReplySchema }),
      z.object({ ok: z.literal(false), error: wireErrorSchema }),
    ]),
  }),
]);
export type PageToRelay = z.infer<typeof pageToRelaySchema>;

export const relayToPageSchema = z.object({
  channel: z.literal(BRIDGE_CHANNEL),
  from: z.literal('relay'),
  kind: z.literal('fetch'),
  id: z.string(),
  url: z.string().url(),
  method: z.enum(['GET', 'POST']),
  body: z.string().optional(),
});
export type RelayToPage = z.infer<typeof relayToPageSchema>;
