import type { Consent } from '../../shared/upload/upload-protocol.ts';

/**
 * Which copy of a chat the catalogue keeps when the same chat (same content key) arrives again:
 * the copy with more messages; on a tie the later upload, since a re-export can differ in
 * swipes or in a later anonymizer's output without growing. A shorter copy never replaces a
 * longer one: a contributor who deleted messages in the site does not shrink the dataset.
 */
export function keepsIncoming(held: { messages: number }, incoming: { messages: number }): boolean {
  return incoming.messages >= held.messages;
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
