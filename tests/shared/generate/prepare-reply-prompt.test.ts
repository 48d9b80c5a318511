import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { prepareReplyPrompt } from '../../../shared/generate/prepare-reply-prompt.ts';
import type { PromptCharacter, PromptTurn } from '../../../shared/prompt/prompt-format.ts';
import { renderPrompt } from '../../../shared/prompt/render-prompt.ts';
import { ExampleBuilder } from '../../../trainer-node/dataset/build-examples.ts';
import type { Episode } from '../../../trainer-node/dataset/episode.ts';
import { emptyFilterCounts } from '../../../trainer-node/dataset/filters/filter-counts.ts';
import type { TrainingExample } from '../../../trainer-node/dataset/training-example.ts';
import { fixtureTokenizer } from '../../trainer-node/dataset/tokenizer-fixture.ts';

const character: PromptCharacter = { name: 'Aria', persona: '{{char}} keeps the lighthouse.' };
const history: PromptTurn[] = Array.from({ length: 12 }, (_, index) => ({
  role: index % 2 === 0 ? 'user' : 'char',
  text: `Line number ${index} of a long evening by the lamp.`,
}));

describe('prepareReplyPrompt (real OPT tokenizer)', () => {
  it("feeds the rendering tokenized whole, the tokenizer's </s> first", async () => {
    const tokenizer = await fixtureTokenizer('opt');
    const prompt = prepareReplyPrompt(character, history, tokenizer, {
      contextLength: 2048,
      maxNewTokens: 64,
    });
    const rendered = renderPrompt(character, history, {
      countTokens: (text) => tokenizer.encode(text).length,
      budget: 2048,
      reserve: 64,
    });
    expect(prompt.text).toBe(rendered?.text);
    expect(prompt.ids).toEqual(tokenizer.encodeWithSpecials(prompt.text));
    expect(prompt.ids[0]).toBe(tokenizer.eosId);
    expect(prompt.droppedTurns).toBe(0);
  });

  it('drops the oldest lines to leave room for the reply, never the persona', async () => {
    const tokenizer = await fixtureTokenizer('opt');
    const whole = prepareReplyPrompt(character, history, tokenizer, {
      contextLength: 2048,
      maxNewTokens: 64,
    });
    const contextLength = whole.ids.length + 64 - 30;
    const trimmed = prepareReplyPrompt(character, history, tokenizer, { contextLength, maxNewTokens: 64 });
    expect(trimmed.droppedTurns).toBeGreaterThan(0);
    expect(trimmed.ids.length + 64).toBeLessThanOrEqual(contextLength);
    expect(trimmed.text.startsWith("Aria's Persona: Aria keeps the lighthouse.\n<START>\n")).toBe(true);
    expect(trimmed.text).not.toContain('Line number 0 ');
    expect(trimmed.text.endsWith('Line number 11 of a long evening by the lamp.\nAria:')).toBe(true);
  });

  it('refuses when the persona and the last message leave no room for the reply', async () => {
    const tokenizer = await fixtureTokenizer('opt');
    let caught: unknown;
    try {
      prepareReplyPrompt(character, history, tokenizer, { contextLength: 40, maxNewTokens: 30 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PygboxError);
    expect(caught).toMatchObject({ code: 'usage', place: { field: 'max_new_tokens' } });
  });
});

describe('train/inference parity', () => {
  // Placeholders, a name with a space, unicode, markdown, inner newlines, stray whitespace: what
  // real chats hold. Every reply is long enough for the builder's word filter.
  const episode: Episode = {
    source: 'pygbox-zip',
    key: 'parity',
    character: {
      name: 'Aria Vale',
      persona: '{{char}} keeps the lighthouse and calls {{User}} "traveler".',
      scenario: 'A storm, late at night. 🌩',
    },
    turns: [
      { role: 'char', text: '  *looks up* Who climbs my stairs, {{user}}?  ' },
      { role: 'user', text: 'Only me, {{char}}. Café au lait?' },
      { role: 'char', text: 'Gladly — sit by the lamp.\nThe kettle is already on.' },
      { role: 'user', text: 'What is that noise outside?' },
      { role: 'char', text: '"Just the sea," she says, smiling at {{user}}. "It knocks all night."' },
    ],
  };

  it.each(['opt', 'gpt2'] as const)(
    'the chat feeds each reply the ids the %s dataset trained it on',
    async (variant) => {
      const tokenizer = await fixtureTokenizer(variant);
      const examples: TrainingExample[] = [];
      new ExampleBuilder(tokenizer, { maxLength: 2048, minReplyWords: 1 }).build(
        episode,
        emptyFilterCounts(),
        (example) => examples.push(example),
      );
      const replyTurns = [...episode.turns.keys()].filter(
        (index) => index > 0 && episode.turns[index]?.role === 'char',
      );
      expect(examples).toHaveLength(replyTurns.length);
      for (const [position, index] of replyTurns.entries()) {
        const example = examples[position];
        if (example === undefined) throw new Error('example missing');
        const prompt = prepareReplyPrompt(episode.character, episode.turns.slice(0, index), tokenizer, {
          contextLength: 2048,
          maxNewTokens: 64,
        });
        expect(prompt.ids).toEqual(example.ids.slice(0, example.promptLength));
      }
    },
  );
});
