import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExampleBuilder } from '../../../trainer-node/dataset/build-examples.ts';
import type { Episode } from '../../../trainer-node/dataset/episode.ts';
import { emptyFilterCounts } from '../../../trainer-node/dataset/filters/filter-counts.ts';
import { tokenizeInWorker, WORKER_PYTHON } from '../../../trainer-node/dataset/tokenizer/worker-tokenize.ts';
import { ariaEpisode } from './episode-fixtures.ts';
import { fixtureTokenizer, tokenizerFolder } from './tokenizer-fixture.ts';

/**
 * The ids the TypeScript builder writes must be the ids `transformers.AutoTokenizer` (the Python
 * worker, which training uses) gives the same rendered text. Texts that stress a byte-level BPE:
 * accents, emoji, CJK, runs of spaces, newlines inside a message, contractions, digits, asterisks.
 */
const hardEpisode: Episode = ariaEpisode({
  character: {
    name: 'Zoë-Bot 3000',
    persona: "{{char}}'s a café owner in Kyōto (京都) who's   fond of    spaces.",
    scenario: '{{user}} walks in at 3:00am.\nIt is raining.',
  },
  turns: [
    { role: 'char', text: '*wipes the counter* Irasshaimase! 🍵' },
    { role: 'user', text: "I'd like   tea, please... and it's   cold   outside!!" },
    { role: 'char', text: "Sure thing — we've got sencha, matcha & hōjicha.\n\nWhich one'll it be?" },
    { role: 'user', text: '  The 2nd one\twith 12.5% sugar, {{char}}. 「ありがとう」 ' },
    { role: 'char', text: "*pours* Here's your matcha, {{user}}. That'll be ¥450 — or 4,50€ 😀😀" },
    { role: 'char', text: "'s fine if you pay later, y'know? ...Really." },
  ],
});

describe('tokenizer parity: TypeScript builder vs the Python worker (transformers)', () => {
  it.each(['gpt2', 'opt'] as const)('%s: identical ids for every rendered example', async (variant) => {
    if (!existsSync(WORKER_PYTHON)) throw new Error(`${WORKER_PYTHON} is missing: run npm run setup`);
    const tokenizer = await fixtureTokenizer(variant);
    const builder = new ExampleBuilder(tokenizer, { maxLength: 2048, minReplyWords: 1 });
    const examples: { prompt: string; reply: string; ids: number[]; promptLength: number }[] = [];
    for (const episode of [ariaEpisode(), hardEpisode]) {
      let index = 0;
      const replies = episode.turns.flatMap((turn, position) =>
        turn.role === 'char' && position > 0 ? [position] : [],
      );
      builder.build(episode, emptyFilterCounts(), (example) => {
        const { prompt, reply } = builder.texts(episode, replies[index] ?? -1, 0);
        index += 1;
        examples.push({ prompt, reply, ids: example.ids, promptLength: example.promptLength });
      });
    }
    expect(examples).toHaveLength(6);
    const worker = await tokenizeInWorker(
      await tokenizerFolder(variant),
      examples.flatMap((example) => [
        { text: example.prompt + example.reply, addSpecialTokens: true },
        { text: example.prompt, addSpecialTokens: true },
        { text: example.reply, addSpecialTokens: false },
      ]),
    );
    expect(worker.ready.eos_token_id).toBe(tokenizer.eosId);
    expect(worker.ready.vocab_size).toBe(tokenizer.vocabSize);
    for (const [index, example] of examples.entries()) {
      const [whole, prompt, reply] = [0, 1, 2].map((part) => worker.ids[index * 3 + part] ?? []);
      // The prompt as the chat page would send it, the reply the model should write, then EOS;
      // the trained span starts where transformers' own prompt ids end.
      expect(example.ids).toEqual([...(prompt ?? []), ...(reply ?? []), worker.ready.eos_token_id]);
      expect(example.promptLength).toBe(prompt?.length);
      // For byte-level BPE that is also the rendered text tokenized as one.
      expect(example.ids.slice(0, -1)).toEqual(whole);
    }
  });
});
