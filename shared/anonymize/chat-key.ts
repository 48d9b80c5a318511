import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** How many leading messages name a chat: a longer re-export of the same chat keeps its key. */
const KEY_MESSAGES = 4;

/**
 * The content key of an anonymized chat: the first 32 hex digits of sha256 over the anonymized
 * character name and the first messages' anonymized texts. JSON array encoding keeps the parts
 * apart (`["a","bc"]` and `["ab","c"]` differ), and only anonymized text goes in, so the key says
 * nothing the chat does not.
 */
export function anonChatKey(characterName: string, messages: readonly { text: string }[]): string {
  const payload = JSON.stringify([
    characterName,
    ...messages.slice(0, KEY_MESSAGES).map((message) => message.text),
  ]);
  return bytesToHex(sha256(utf8ToBytes(payload))).slice(0, 32);
}
