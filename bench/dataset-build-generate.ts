/**
 * A deterministic synthetic export for the dataset-build benchmark: anonymized chats as a Pygbox
 * zip (the input the builder reads most), sized by message count. Messages vary in length (3 to 60
 * words), use placeholders, actions between asterisks, punctuation, digits and a little non-ASCII,
 * and chats run 10 to 70 messages, so examples range from a few dozen tokens to past the budget.
 */
import { writeFileSync } from 'node:fs';
import { auditChats } from '../shared/anonymize/audit.ts';
import { anonChatKey } from '../shared/anonymize/chat-key.ts';
import type { AnonChat } from '../shared/chat/anon-chat.ts';
import { seededRandom } from '../shared/generate/seeded-random.ts';
import { PYGBOX_VERSION } from '../shared/version.ts';
import { writeExportZip } from '../shared/zip/write-export-zip.ts';
import { nodeZipCodec } from '../trainer-node/io/node-zip-codec.ts';

const WORDS = (
  'the a and you I she he it they we smile look softly toward window rain coffee night city story ' +
  'remember always never maybe quiet laugh whisper hand door light shadow morning walk together ' +
  'question answer tell think feel really little more than just like know want need see here there ' +
  "lighthouse harbor lantern captain ship storm tea kettle book library garden café naïve don't it's " +
  "you're we'll forty-two ¿qué? voilà — okay hmm wow yes no please thanks sorry wait listen"
).split(' ');
const CHARACTERS = ['Captain Orrin', 'Professor Lune', 'Tavi the Fox', 'Sable', 'Wren Ashdown', 'Unit Seven'];

function message(next: () => number, chatIndex: number, turn: number): string {
  const count = 3 + Math.floor(next() * next() * 58);
  const parts: string[] = [];
  for (let i = 0; i < count; i += 1) parts.push(WORDS[Math.floor(next() * WORDS.length)] ?? 'the');
  const roll = next();
  if (roll < 0.15) parts.unshift(`*${parts.splice(0, 3).join(' ')}*`);
  else if (roll < 0.2) parts.splice(1, 0, '{{user}},');
  else if (roll < 0.23) parts.push('{{char}}');
  // A number unique to the chat and turn keeps chats distinct, as real ones are.
  if (turn < 4) parts.push(`#${chatIndex}`);
  return `${parts.join(' ')}${next() < 0.7 ? '.' : '!'}`;
}

export function generateBenchChats(messageCount: number, seed = 11): AnonChat[] {
  const next = seededRandom(seed);
  const chats: AnonChat[] = [];
  let made = 0;
  while (made < messageCount) {
    const chatIndex = chats.length;
    const name = CHARACTERS[chatIndex % CHARACTERS.length] ?? 'Sable';
    const length = Math.min(10 + Math.floor(next() * 61), messageCount - made);
    const messages: AnonChat['messages'] = [];
    for (let turn = 0; turn < length; turn += 1) {
      messages.push({
        role: turn % 2 === 0 ? 'char' : 'user',
        text: message(next, chatIndex, turn),
        swipes: [],
      });
    }
    chats.push({
      key: anonChatKey(name, messages),
      source: 'neo',
      character: {
        name,
        description: `${name} is an invented character for the benchmark, patient and curious.`,
      },
      messages,
    });
    made += length;
  }
  return chats;
}

export async function writeBenchZip(file: string, messageCount: number): Promise<void> {
  const audited = auditChats(generateBenchChats(messageCount), { identities: [], redactions: [] });
  const zip = await writeExportZip(audited, {
    anonymizerVersion: 'bench',
    toolVersion: PYGBOX_VERSION,
    createdDay: '2026-01-01',
    codec: nodeZipCodec,
  });
  writeFileSync(file, zip);
}
