import { createHash } from 'node:crypto';
import type { AnonChat, AnonMessage } from '../../shared/chat/anon-chat.ts';

/** Bytes of one sha256 in a prefix chain. */
export const PREFIX_HASH_BYTES = 32;

/**
 * What a held copy's messages must stay for a longer copy to replace it: every field a message is
 * published with (role, text, swipes, day), not only role and text. Swipes are published too, so
 * a copy that kept the texts but rewrote the swipes and added a message would otherwise slip
 * altered content in under the first contributor's consent; an honest re-export whose earlier
 * messages gained a swipe is then not taken (the held copy stays, nothing is lost).
 */
function canonicalMessage(message: AnonMessage): string {
  return JSON.stringify([message.role, message.text, message.swipes, message.day ?? null]);
}

/**
 * The rest of what a chat is published with: the character (its name is in the key, its title,
 * description, greeting and definition are not) and the chat's source and day. An extending copy
 * that changed them would publish another character card under the contributor's consent.
 */
function canonicalChatFields(chat: AnonChat): string {
  const { name, title, description, greeting, definition } = chat.character;
  return JSON.stringify([
    chat.source,
    chat.day ?? null,
    name,
    title ?? null,
    description ?? null,
    greeting ?? null,
    definition ?? null,
  ]);
}

/**
 * The prefix chain of a chat: entry i is the hash of its first i messages (and of its other
 * published fields); entry 0 = sha256(a fixed label ‖ the chat's other fields), entry i =
 * sha256(entry i-1 ‖ canonical JSON of message i). Computed once where the
 * upload is parsed (the verify thread), so the intake can compare a held copy against any prefix
 * of an incoming one without parsing it again. The previous hash has a fixed length, so the
 * concatenation is unambiguous.
 */
export function prefixChain(chat: AnonChat): Uint8Array {
  const { messages } = chat;
  const chain = new Uint8Array((messages.length + 1) * PREFIX_HASH_BYTES);
  let previous = createHash('sha256')
    .update('pygbox message prefix v1\n')
    .update(canonicalChatFields(chat))
    .digest();
  chain.set(previous, 0);
  messages.forEach((message, index) => {
    previous = createHash('sha256').update(previous).update(canonicalMessage(message)).digest();
    chain.set(previous, (index + 1) * PREFIX_HASH_BYTES);
  });
  return chain;
}

/** The hash of the first `count` messages, hex; undefined when the chain is shorter. */
export function prefixHashAt(chain: Uint8Array, count: number): string | undefined {
  const start = count * PREFIX_HASH_BYTES;
  if (!Number.isInteger(count) || count < 0 || start + PREFIX_HASH_BYTES > chain.byteLength) return undefined;
  return Buffer.from(chain.buffer, chain.byteOffset + start, PREFIX_HASH_BYTES).toString('hex');
}
