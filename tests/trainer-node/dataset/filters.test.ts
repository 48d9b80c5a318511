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

  it('matches a re-send shorter than the four turns that name a chat, and keeps it on the same side', () => {
    // An early dump of three turns holds one example (greeting, user line -> reply) that the later,
    // longer dump holds too: kept apart, the same example could train on one side and score on the other.
    const full = ariaEpisode();
    const early = ariaEpisode({ source: 'capture', turns: full.turns.slice(0, 3) });
    const counts = emptyFilterCounts();
    const kept = dedupeEpisodes([early, full], counts);
    expect(kept.map((entry) => entry.episode)).toEqual([full]);
    expect(counts.episodes['near-duplicate']).toBe(1);
    // A chat that shares the greeting and the first user line, then really diverges, is kept, and
    // lands with the chat whose first example's history it shares.
    const other = ariaEpisode({
      turns: [
        ...full.turns.slice(0, 2),
        { role: 'char', text: 'Lost? Then you found the right door.' },
        { role: 'user', text: 'Is this the lighthouse or the inn?' },
      ],
    });
    const both = dedupeEpisodes([other, full], emptyFilterCounts());
    expect(both.map((entry) => entry.episode)).toEqual([other, full]);
    expect(both[0]?.splitKey).toBe(both[1]?.splitKey);
  });

  it('leaves out every dump of a chat the user excluded, whichever dump the key names', () => {
    // Chat keys hash the first four messages: an early dump of three has another key than the full
    // chat. Excluding one must not let the other through with the same conversation in it.
    const full = ariaEpisode({ key: 'a'.repeat(32) });
    const early = ariaEpisode({ key: 'b'.repeat(32), source: 'capture', turns: full.turns.slice(0, 3) });
    const unrelated = ariaEpisode({ key: 'c'.repeat(32), character: { name: 'Captain Brine' } });
    for (const excludedKey of [full.key, early.key]) {
      const counts = emptyFilterCounts();
      const kept = dedupeEpisodes([early, full, unrelated], counts, new Set([excludedKey]));
      expect(kept.map((entry) => entry.episode)).toEqual([unrelated]);
      // Each episode counted once: the full chat as excluded, the early dump as its duplicate.
      expect(counts.episodes.excluded).toBe(1);
      expect(counts.episodes['near-duplicate']).toBe(1);
    }
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

  it('does not take scripts that stack their own marks for Zalgo', () => {
    // Hindi `पढ़ें` (read): nukta, vowel sign and anusvara on one letter (NFC keeps the nukta apart);
    // vocalized Hebrew `הַשִּׁיר` (the song): dagesh, hiriq and shin dot on one letter.
    for (const text of ['कृपया इसे पढ़ें, फिर आगे बढ़ें।', 'שִׁירוּ לוֹ, הַשִּׁיר הַזֶּה יָפֶה']) {
      expect(isBrokenText(text.normalize('NFC')), text).toBe(false);
    }
    // Zalgo piles generic combining marks (U+0300 block and its kin) on Latin letters.
    expect(isBrokenText('Z\u0351\u0337\u0320a\u0364l\u035Cgo')).toBe(true);
  });

  it('finds a reply that repeats an earlier one or one sentence over and over', () => {
    const earlier = ['The storm came from the north and broke the old pier in two.', 'Tea?'];
    expect(isLoopingReply('the storm came from the NORTH and broke the old pier in two!', earlier)).toBe(
      true,
    );
    expect(isLoopingReply('I smile at you. I smile at you. I smile at you.', [])).toBe(true);
    // Full-width sentence ends (Chinese, Japanese) end sentences too.
    expect(isLoopingReply('元気ですか。元気ですか！元気ですか？', [])).toBe(true);
    expect(isLoopingReply('The storm came back from the south and spared the new pier.', earlier)).toBe(
      false,
    );
    expect(isLoopingReply('Tea?', earlier)).toBe(false);
  });

  it('counts words in any script', () => {
    expect(wordCount('Hm.')).toBe(1);
    expect(wordCount('Zoë said: 42 ok')).toBe(4);
    // Scripts written without spaces: a sentence is not one word, or every Japanese, Chinese or
    // Thai reply would fall under --min-reply-words. Each character counts (a generous bound).
    expect(wordCount('今日はとても良い天気ですね、散歩に行きましょう！')).toBeGreaterThanOrEqual(10);
    expect(wordCount('好的。')).toBe(2);
    expect(wordCount('OK好的')).toBe(3);
    expect(wordCount('สวัสดีครับ')).toBeGreaterThanOrEqual(3);
    expect(
      isLoopingReply('今日はとても良い天気ですね！散歩に行きましょう。', [
        '今日はとても良い天気ですね。散歩に行きましょう！',
      ]),
    ).toBe(true);
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
