import { seededRandom } from '../shared/generate/seeded-random.ts';

/**
 * A deterministic synthetic capture set for the benchmarks: neo `turns` pages of invented chats,
 * with swipes, the user's invented names inside texts and a sprinkle of PII, sized by message count.
 */

const WORDS = (
  'the a and you I she he it they we smile look softly toward window rain coffee night city story ' +
  'remember always never maybe quiet laugh whisper hand door light shadow morning walk together ' +
  'question answer tell think feel really little more than just like know want need see here there'
).split(' ');

export const BENCH_IDENTITIES = ['Mirelle Quade', 'mirelle_q42', 'Mirë'];
const CHARACTER_NAMES = ['Captain Orrin', 'Professor Lune', 'Tavi the Fox', 'Sable', 'Wren Ashdown'];

function sentence(next: () => number, words: number): string {
  const parts: string[] = [];
  for (let i = 0; i < words; i += 1) parts.push(WORDS[Math.floor(next() * WORDS.length)] ?? 'the');
  const roll = next();
  if (roll < 0.02) parts.splice(3, 0, 'Mirelle');
  else if (roll < 0.025) parts.splice(2, 0, 'MIRË’s');
  else if (roll < 0.027) parts.push('mail me at mirelle.q@example.com');
  else if (roll < 0.028) parts.push('call 555-201-7788');
  return `${parts.join(' ')}.`;
}

export interface GeneratedCaptures {
  lines: string[];
  messages: number;
}

/** About 500 bytes of capture JSON per message: 100,000 messages make roughly 50 MB. */
export function generateCaptureLines(messageCount: number, seed = 7): GeneratedCaptures {
  const next = seededRandom(seed);
  const lines: string[] = [];
  const turnsPerPage = 50;
  const turnsPerChat = 400;
  let made = 0;
  let chatIndex = 0;
  const start = Date.UTC(2025, 0, 1);
  while (made < messageCount) {
    const chatId = `bench-chat-${chatIndex}`;
    const characterName = CHARACTER_NAMES[chatIndex % CHARACTER_NAMES.length] ?? 'Sable';
    const inChat = Math.min(turnsPerChat, messageCount - made);
    const turns = [];
    for (let i = 0; i < inChat; i += 1) {
      const human = i % 2 === 1;
      const time = new Date(start + (chatIndex * turnsPerChat + i) * 60_000).toISOString();
      const candidates = [
        {
          candidate_id: `c-${chatIndex}-${i}-0`,
          raw_content: sentence(next, 12 + Math.floor(next() * 40)),
          create_time: time,
          is_final: true,
        },
      ];
      if (!human && next() < 0.2) {
        candidates.push({
          candidate_id: `c-${chatIndex}-${i}-1`,
          raw_content: sentence(next, 20),
          create_time: time,
          is_final: true,
        });
      }
      turns.push({
        turn_key: { chat_id: chatId, turn_id: `t-${chatIndex}-${i}` },
        create_time: time,
        last_update_time: time,
        state: 'STATE_OK',
        author: human
          ? { author_id: '90210417', name: 'Mirelle Quade', is_human: true }
          : { author_id: `char-${chatIndex % CHARACTER_NAMES.length}`, name: characterName },
        candidates,
        primary_candidate_id: candidates[0]?.candidate_id,
      });
    }
    // The site serves pages newest first.
    turns.reverse();
    for (let page = 0; page * turnsPerPage < turns.length; page += 1) {
      const pageTurns = turns.slice(page * turnsPerPage, (page + 1) * turnsPerPage);
      const last = (page + 1) * turnsPerPage >= turns.length;
      const query = page === 0 ? '' : `?next_token=tok-${chatIndex}-${page}`;
      lines.push(
        JSON.stringify({
          url: `https://neo.character.ai/turns/${chatId}/${query}`,
          method: 'GET',
          status: 200,
          body: { turns: pageTurns, meta: { next_token: last ? null : `tok-${chatIndex}-${page + 1}` } },
          capturedAt: new Date(start + page * 1000).toISOString(),
        }),
      );
    }
    made += inChat;
    chatIndex += 1;
  }
  return { lines, messages: made };
}
