import type { Episode } from '../episode.ts';
import type { FilterCounts } from './filter-counts.ts';

/**
 * Message-level cleaning, before anything else looks at an episode:
 * - messages with no text (the site sent a turn without `raw_content`) are dropped;
 * - a message that types a special token of the tokenizer (`</s>`, `<|endoftext|>`, OPT's `<s>`
 *   from HTML strikethrough) would put that token's id mid-sequence, an end-of-sequence the model
 *   would learn to emit in the middle of a reply. The episode is cut before it: what came before
 *   is a sound conversation, what follows answers a message that is no longer there.
 */
export function cleanTurns(episode: Episode, specialTexts: readonly string[], counts: FilterCounts): Episode {
  const turns: Episode['turns'] = [];
  for (const [index, turn] of episode.turns.entries()) {
    if (turn.text.trim() === '') {
      counts.messages['empty-message'] += 1;
      continue;
    }
    if (specialTexts.some((special) => special !== '' && turn.text.includes(special))) {
      counts.messages['special-token-text'] += episode.turns.length - index;
      break;
    }
    turns.push(turn);
  }
  return { ...episode, turns };
}
