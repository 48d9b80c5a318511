import { describe, expect, it } from 'vitest';
import type { Episode } from '../../../trainer-node/dataset/episode.ts';
import { cleanTurns } from '../../../trainer-node/dataset/filters/clean-turns.ts';
import { dedupeEpisodes } from '../../../trainer-node/dataset/filters/dedupe-episodes.ts';
import { emptyFilterCounts } from '../../../trainer-node/dataset/filters/filter-counts.ts';
import {
  isBrokenText,
  isLoopingReply,
  wordCount,
} from '../../../trainer-node/dataset/filters/reply-filters.ts';
import { splitOf } from '../../../trainer-node/dataset/split-episode.ts';
import { ariaEpisode } from './episode-fixtures.ts';

describe('duplicate episodes', () => {
  it('drops an exact duplicate and a shorter re-send of the same chat, keeping the longest', () => {
    const full = ariaEpisode();
    const resent = ariaEpisode({ source: 'capture', turns: full.turns.slice(0, 4) });
    const copy = ariaEpisode({ source: 'capture' });
    const counts = emptyFilterCounts();
    const kept = dedupeEpisodes([resent, full, copy], counts);
    expect(kept.map((entry) => entry.episode)).toEqual([full]);
    expect(counts.episodes['near-duplicate']).toBe(1);
    expect(counts.episodes['exact-duplicate']).toBe(1);
  });

  it('treats case, spacing and an edited last message as the same chat', () => {
    const full = ariaEpisode();
    const edited = ariaEpisode({
      turns: [
        ...full.turns.slice(0, 5).map((turn) => ({ ...turn, text: `  ${turn.text.toUpperCase()} ` })),
        { role: 'char', text: 'Tea? Always.' },
      ],
    });
    const longer = ariaEpisode({
      turns: [...full.turns, ...full.turns, ...full.turns, { role: 'user', text: 'More tea!' }],
    });
    const counts = emptyFilterCounts();
    const kept = dedupeEpisodes([full, edited, longer], counts);
    expect(kept.map((entry) => entry.episode)).toEqual([longer]);
    expect(counts.episodes['near-duplicate']).toBe(2);
  });

  it('keeps chats that start alike but really diverge, with one split key so they land together', () => {
    const full = ariaEpisode();
    const other = ariaEpisode({
      turns: [
        ...full.turns.slice(0, 4),
        { role: 'user', text: 'Actually, I have to go back out.' },
        { role: 'char', text: 'Then take the lantern with you.' },
        { role: 'user', text: 'I will.' },
      ],
    });
    const counts = emptyFilterCounts();
    const kept = dedupeEpisodes([full, other], counts);
    expect(kept).toHaveLength(2);
    expect(kept[0]?.splitKey).toBe(kept[1]?.splitKey);
    expect(counts.episodes['near-duplicate'] + counts.episodes['exact-duplicate']).toBe(0);
  });

  it('does not merge chats of different characters', () => {
    const counts = emptyFilterCounts();
    const kept = dedupeEpisodes(
      [ariaEpisode(), ariaEpisode({ character: { name: 'Captain Brine' } })],
      counts,
    );
    expect(kept).toHaveLength(2);
  });
});

describe('message cleaning', () => {
  it('drops messages without text and counts them', () => {
    const episode = ariaEpisode();
    const counts = emptyFilterCounts();
    const cleaned = cleanTurns(
      {
        ...episode,
        turns: [
          episode.turns[0],
          { role: 'char', text: '' },
          { role: 'user', text: ' \n ' },
          ...episode.turns.slice(1),
        ] as Episode['turns'],
      },
      ['<|endoftext|>'],
      counts,
    );
    expect(cleaned.turns).toEqual(episode.turns);
    expect(counts.messages['empty-message']).toBe(2);
  });

  it('cuts the episode before a message that types a special token', () => {
    const episode = ariaEpisode();
    const turns = [
      ...episode.turns.slice(0, 3),
      { role: 'user' as const, text: 'I typed <s>this</s> in HTML' },
      ...episode.turns.slice(3),
    ];
    const counts = emptyFilterCounts();
    const cleaned = cleanTurns({ ...episode, turns }, ['<s>', '<pad>', '</s>', '<unk>'], counts);
    expect(cleaned.turns).toEqual(episode.turns.slice(0, 3));
    expect(counts.messages['special-token-text']).toBe(turns.length - 3);
  });
});

describe('reply filters', () => {
  it('finds Zalgo, replacement characters, control characters and mojibake', () => {
    expect(isBrokenText('H̷̛̤e̵͎͝ comes')).toBe(true);
    expect(isBrokenText('lost bytes \uFFFD here')).toBe(true);
    expect(isBrokenText('a bell\u0007 rings')).toBe(true);
    expect(isBrokenText('cafÃ© and itâ€™s broken')).toBe(true);
    // Real accents, emoji, a combining accent or two, and line breaks are fine.
    expect(isBrokenText('Café, naïve Zoë — it’s fine 😀\nsecond line\tok, Vietnamese ệ')).toBe(false);
  });

  it('finds a reply that repeats an earlier one or one sentence over and over', () => {
    const earlier = ['The storm came from the north and broke the old pier in two.', 'Tea?'];
    expect(isLoopingReply('the storm came from the NORTH and broke the old pier in two!', earlier)).toBe(
      true,
    );
    expect(isLoopingReply('I smile at you. I smile at you. I smile at you.', [])).toBe(true);
    expect(isLoopingReply('The storm came back from the south and spared the new pier.', earlier)).toBe(
      false,
    );
    expect(isLoopingReply('Tea?', earlier)).toBe(false);
  });

  it('counts words in any script', () => {
    expect(wordCount('Hm.')).toBe(1);
    expect(wordCount('Zoë said: 42 ok')).toBe(4);
  });
});

describe('train/eval split', () => {
  it('is decided by the key alone, deterministically, at about the asked share', () => {
    const keys = Array.from({ length: 20_000 }, (_, index) => `episode-${index}`);
    const evalKeys = keys.filter((key) => splitOf(key, 0.02) === 'eval');
    expect(evalKeys.length / keys.length).toBeGreaterThan(0.015);
    expect(evalKeys.length / keys.length).toBeLessThan(0.025);
    expect(keys.filter((key) => splitOf(key, 0.02) === 'eval')).toEqual(evalKeys);
    expect(keys.every((key) => splitOf(key, 0) === 'train')).toBe(true);
    expect(keys.every((key) => splitOf(key, 1) === 'eval')).toBe(true);
  });
});
