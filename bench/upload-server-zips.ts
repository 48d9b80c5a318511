import { auditChats } from '../shared/anonymize/audit.ts';
import { anonChatKey } from '../shared/anonymize/chat-key.ts';
import type { AnonChat, AnonMessage } from '../shared/chat/anon-chat.ts';
import { seededRandom } from '../shared/generate/seeded-random.ts';
import { writeExportZip } from '../shared/zip/write-export-zip.ts';
import { nodeZipCodec } from '../trainer-node/io/node-zip-codec.ts';

/**
 * Invented export zips for the collection server's benchmark: chats of made-up words (no digits,
 * no @, nothing the PII patterns would stop), seeded so runs repeat, each zip's chats distinct
 * from every other zip's so deduplication does not short-circuit the work.
 */

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tu',
  'sha',
  'vel',
  'or',
  'bi',
  'nak',
  'es',
  'qui',
  'do',
  'fa',
  'zem',
  'pa',
];
const MESSAGES_PER_CHAT = 40;

function sentence(next: () => number): string {
  const words: string[] = [];
  const count = 8 + Math.floor(next() * 14);
  for (let index = 0; index < count; index += 1) {
    let word = '';
    const syllables = 1 + Math.floor(next() * 3);
    for (let s = 0; s < syllables; s += 1) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    words.push(word);
  }
  return `${words.join(' ')}.`;
}

export function benchChat(seed: number): AnonChat {
  const next = seededRandom(seed);
  const name = `Keeper ${sentence(next).split(' ')[0]}`;
  const messages: AnonMessage[] = [];
  for (let index = 0; index < MESSAGES_PER_CHAT; index += 1) {
    messages.push({
      role: index % 2 === 0 ? 'char' : 'user',
      text: `${sentence(next)} ${sentence(next)}`,
      swipes: index % 5 === 4 ? [sentence(next)] : [],
    });
  }
  return { key: anonChatKey(name, messages), source: 'neo', character: { name }, messages };
}

/** A zip of about `targetBytes`, its chats seeded from `zipIndex` (distinct across zips). */
export async function benchZip(zipIndex: number, chatsPerZip: number): Promise<Uint8Array> {
  const chats = Array.from({ length: chatsPerZip }, (_, index) => benchChat(zipIndex * 100_000 + index));
  return writeExportZip(auditChats(chats, { identities: [] }), {
    anonymizerVersion: '1.2.0',
    toolVersion: '0.1.0',
    createdDay: '2026-03-01',
    codec: nodeZipCodec,
  });
}

/** How many chats make a zip of about `targetBytes`, measured on one zip. */
export async function chatsForZipBytes(targetBytes: number): Promise<number> {
  const probe = 20;
  const bytes = (await benchZip(999_999, probe)).byteLength;
  return Math.max(1, Math.round((probe * targetBytes) / bytes));
}
