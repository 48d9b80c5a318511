import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPrompt } from '../../../shared/prompt/render-prompt.ts';
import { ExampleBuilder } from '../../../trainer-node/dataset/build-examples.ts';
import type { Episode } from '../../../trainer-node/dataset/episode.ts';
import { emptyFilterCounts } from '../../../trainer-node/dataset/filters/filter-counts.ts';
import {
  type DatasetTokenizer,
  loadDatasetTokenizer,
} from '../../../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';
import { buildGpt2TokenizerFiles } from '../../../trainer-node/dataset/tokenizer/gpt2-tokenizer-files.ts';
import type { TrainingExample } from '../../../trainer-node/dataset/training-example.ts';
import { ariaEpisode } from './episode-fixtures.ts';
import { fixtureTokenizer } from './tokenizer-fixture.ts';

function build(tokenizer: DatasetTokenizer, episode: Episode, maxLength = 2048, minReplyWords = 3) {
  const counts = emptyFilterCounts();
  const builder = new ExampleBuilder(tokenizer, { maxLength, minReplyWords });
  const examples: TrainingExample[] = [];
  builder.build(episode, counts, (example) => examples.push(example));
  return { examples, counts, builder };
}

const labels = (example: TrainingExample) =>
  example.ids.map((id, position) => (position >= example.promptLength ? id : -100));

describe('examples and their label masks', () => {
  it('OPT: the leading </s> is masked and the trailing </s> (the same id) is trained: by position', async () => {
    const opt = await fixtureTokenizer('opt');
    expect(opt.prefixIds).toEqual([2]);
    expect(opt.eosId).toBe(2);
    const { examples } = build(opt, ariaEpisode());
    expect(examples).toHaveLength(3);
    for (const example of examples) {
      expect(example.ids[0]).toBe(2);
      expect(example.ids.at(-1)).toBe(2);
      const label = labels(example);
      expect(label[0]).toBe(-100);
      expect(label.at(-1)).toBe(2);
      // Masking by id would have trained on the first token or masked the last one.
      expect(example.ids.filter((id) => id === 2)).toHaveLength(2);
    }
  });

  it('trains on exactly the reply and its EOS, nothing of the prompt', async () => {
    for (const variant of ['gpt2', 'opt'] as const) {
      const tokenizer = await fixtureTokenizer(variant);
      const { examples } = build(tokenizer, ariaEpisode());
      const last = examples.at(-1);
      if (last === undefined) throw new Error('no example');
      const trained = last.ids.slice(last.promptLength);
      expect(tokenizer.decode(trained)).toBe(
        ` There is always tea in a lighthouse, my friend.${tokenizer.eosText}`,
      );
      const prompt = tokenizer.decode(last.ids.slice(tokenizer.prefixIds.length, last.promptLength));
      expect(prompt.endsWith('\nAria Vale:')).toBe(true);
      expect(prompt).toContain("You: Hi! I'm You and I got lost on the cliff path.");
      expect(labels(last).filter((label) => label !== -100)).toEqual(trained);
    }
  });

  it('has the ids the tokenizer gives the rendered prompt and reply as one text', async () => {
    for (const variant of ['gpt2', 'opt'] as const) {
      const tokenizer = await fixtureTokenizer(variant);
      const episode = ariaEpisode();
      const { examples, builder } = build(tokenizer, episode);
      expect(builder.wholeText).toBe(false);
      expect(builder.verified).toBe(examples.length);
      const { prompt, reply } = builder.texts(episode, 5, 0);
      expect(examples.at(-1)?.ids).toEqual([
        ...tokenizer.encodeWithSpecials(prompt + reply),
        tokenizer.eosId,
      ]);
      expect(examples.at(-1)?.promptLength).toBe(tokenizer.encodeWithSpecials(prompt).length);
    }
  });

  it('makes one example per bot turn with history; roles from flags, two bot turns in a row included', async () => {
    const gpt2 = await fixtureTokenizer('gpt2');
    const { examples, counts } = build(gpt2, ariaEpisode());
    // Turn 0 (the greeting) has no history; turns 2, 3 and 5 are examples, 3 right after 2.
    expect(counts.examples['no-history']).toBe(1);
    const second = examples[1];
    if (second === undefined) throw new Error('no second example');
    expect(gpt2.decode(second.ids.slice(0, second.promptLength))).toMatch(
      /Aria Vale: You\.\.\. a lovely name\. Come in from the wind\.\nAria Vale:$/,
    );
  });

  it('drops the oldest history first to fit the budget, keeps the persona, and counts what cannot fit', async () => {
    const gpt2 = await fixtureTokenizer('gpt2');
    const episode = ariaEpisode();
    const full = build(gpt2, episode).examples.at(-1);
    if (full === undefined) throw new Error('no example');
    const maxLength = full.ids.length - 5;
    const { examples } = build(gpt2, episode, maxLength);
    const trimmed = examples.at(-1);
    if (trimmed === undefined) throw new Error('no example');
    expect(trimmed.ids.length).toBeLessThanOrEqual(maxLength);
    const text = gpt2.decode(trimmed.ids.slice(0, trimmed.promptLength));
    expect(text.startsWith("Aria Vale's Persona: A calm lighthouse keeper")).toBe(true);
    expect(text).not.toContain('The lamp is lit.');
    expect(text).toContain('Thank you, Aria Vale. Is there tea?');
    // The same trimming as the shared renderer with the same token counts.
    const rendered = renderPrompt(episode.character, episode.turns.slice(0, 5), {
      countTokens: (piece) => gpt2.encode(piece).length,
      budget: maxLength,
      reserve: gpt2.encode(' There is always tea in a lighthouse, my friend.').length + 1,
    });
    expect(gpt2.decode(trimmed.ids.slice(0, trimmed.promptLength))).toBe(rendered?.text);
    const { counts } = build(gpt2, episode, 20);
    expect(counts.examples['too-long']).toBe(3);
  });

  it('does not train a reply without the turn it answers, when only the persona block fits', async () => {
    const gpt2 = await fixtureTokenizer('gpt2');
    const episode = ariaEpisode();
    const builder = new ExampleBuilder(gpt2, { maxLength: 2048, minReplyWords: 3 });
    // Exactly room for the persona block, the cue and the first reply: not for the line before it.
    const bare = builder.referenceExample(episode, 2, 2);
    const { examples, counts } = build(gpt2, episode, bare.length);
    for (const example of examples) {
      expect(gpt2.decode(example.ids.slice(0, example.promptLength))).toMatch(/<START>\n.+\nAria Vale:$/su);
    }
    expect(examples.length + counts.examples['too-long']).toBe(3);
    expect(counts.examples['too-long']).toBeGreaterThan(0);
  });

  it('does not train on short, looping or broken replies, and counts each', async () => {
    const gpt2 = await fixtureTokenizer('gpt2');
    const episode = ariaEpisode({
      turns: [
        { role: 'user', text: 'Hello there, keeper of the light.' },
        { role: 'char', text: 'Hm.' },
        { role: 'user', text: 'Tell me about the storm.' },
        { role: 'char', text: 'The storm came from the north and broke the old pier in two.' },
        { role: 'user', text: 'And then?' },
        { role: 'char', text: 'The storm came from the north and broke the old pier in two!' },
        { role: 'user', text: 'Are you all right?' },
        { role: 'char', text: 'Y̵̢̛o̸̧̕u̴̡̕ should not have come here.' },
        { role: 'user', text: 'What?' },
        { role: 'char', text: 'I am fine, the lamp is fine, and the tea is nearly ready.' },
      ],
    });
    const { examples, counts } = build(gpt2, episode);
    expect(counts.examples['short-reply']).toBe(1);
    expect(counts.examples['looping-reply']).toBe(1);
    expect(counts.examples['broken-text']).toBe(1);
    expect(examples.map((example) => gpt2.decode(example.ids.slice(example.promptLength)))).toEqual([
      ' The storm came from the north and broke the old pier in two.<|endoftext|>',
      ' I am fine, the lamp is fine, and the tea is nearly ready.<|endoftext|>',
    ]);
  });
});

describe('a tokenizer that merges across the joins', () => {
  it('is caught by the check, and the builder tokenizes each prompt whole from then on', async () => {
    // GPT-2's BPE with a merge of ":" and the space after it, and no pre-tokenizer split there:
    // `You: Hi` tokenized whole differs from `\nYou:` and ` Hi` tokenized apart.
    const folder = join(mkdtempSync(join(tmpdir(), 'pygbox-merging-')), 'tokenizer');
    mkdirSync(folder);
    const files = await buildGpt2TokenizerFiles('gpt2');
    const json = JSON.parse(files['tokenizer.json']);
    json.pre_tokenizer.use_regex = false;
    json.model.vocab[':Ġ'] = 50257;
    json.model.merges.unshift([':', 'Ġ']);
    writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(json));
    writeFileSync(join(folder, 'tokenizer_config.json'), files['tokenizer_config.json']);
    const tokenizer = await loadDatasetTokenizer(folder);
    expect(tokenizer.encode('You: Hi')).toContain(50257);
    const episode = ariaEpisode();
    const { examples, builder } = build(tokenizer, episode);
    expect(builder.wholeText).toBe(true);
    expect(examples).toHaveLength(3);
    for (const [position, reply] of [2, 3, 5].entries()) {
      const example = examples[position];
      if (example === undefined) throw new Error('missing example');
      const { prompt, reply: replyText } = builder.texts(episode, reply, 0);
      // The prompt as the chat page tokenizes it, then the reply the model should write, then EOS.
      const promptIds = tokenizer.encodeWithSpecials(prompt);
      expect(example.promptLength).toBe(promptIds.length);
      expect(example.ids).toEqual([...promptIds, ...tokenizer.encode(replyText), tokenizer.eosId]);
    }
  });
});
