import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The content key of an anonymized preference record: the first 32 hex digits of sha256 over its
 * anonymized character name and prompt (JSON array encoding keeps the parts apart). The prompt is
 * what the replies answered, so a record exported again with more swipes or ratings keeps its key
 * and a collector keeps one copy; only anonymized text goes in, so the key says nothing the record
 * does not. The leading tag keeps it apart from a chat key over the same texts.
 */
export function anonPreferenceKey(characterName: string, prompt: string): string {
  const payload = JSON.stringify(['pygbox-preference', characterName, prompt]);
  return bytesToHex(sha256(utf8ToBytes(payload))).slice(0, 32);
}
