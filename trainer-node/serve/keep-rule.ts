import type { Consent } from '../../shared/upload/upload-protocol.ts';
import { prefixHashAt } from './message-prefix.ts';

/**
 * Which copy of a chat the catalogue keeps when the same chat (same content key) arrives again:
 * the incoming copy only when it is strictly longer AND the held copy is an exact prefix of it
 * (message-prefix.ts: role, text, swipes and day of every held message, and the character, source
 * and day of the chat unchanged). The key covers just the character name and the first 4
 * messages, so anyone holding a published chat can make a copy with the same key; without the
 * prefix check an edited copy (later messages changed, same length or longer) would replace the
 * contributor's and be published under their consent. An honest re-export only appends, so it
 * still replaces. Everything else keeps the held copy: a shorter one (messages deleted on the site
 * never shrink the dataset), one of the same length (a re-export with other swipes or another
 * anonymizer's output is not worth a rewrite), and one that differs anywhere in what is held.
 * The prefix relation is transitive, so a copy that did not extend the copy held when it arrived
 * cannot extend any copy held later either.
 */
export function keepsIncoming(
  held: { messages: number; prefixSha256: string },
  incoming: { messages: number; prefixChain: Uint8Array },
): boolean {
  return (
    incoming.messages > held.messages &&
    prefixHashAt(incoming.prefixChain, held.messages) === held.prefixSha256
  );
}

/**
 * The consent of a chat several uploads held: private wins. Once any upload of a chat says
 * private, the chat is never published, whichever copy is kept; a contributor who changes their
 * mind can withdraw a chat by uploading it again as private. (A chat's key comes from its content,
 * so only someone holding the chat's first messages can upload it at all.)
 */
export function mergeConsent(held: Consent, incoming: Consent): Consent {
  return held === 'private' || incoming === 'private' ? 'private' : 'public';
}
