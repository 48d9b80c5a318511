import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { prepareReplyPrompt } from '../../../shared/generate/prepare-reply-prompt.ts';
import type { PromptCharacter, PromptTurn } from '../../../shared/prompt/prompt-format.ts';
import { renderPrompt } from '../../../shared/prompt/render-prompt.ts';
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
