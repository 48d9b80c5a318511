import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import type { ChatTokenizer } from '../../../shared/generate/chat-tokenizer.ts';
import { generateCharacterReply } from '../../../shared/generate/generate-character-reply.ts';
import { prepareReplyPrompt } from '../../../shared/generate/prepare-reply-prompt.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import type { PromptCharacter, PromptTurn } from '../../../shared/prompt/prompt-format.ts';
import { ScriptedModel } from '../../extension/chat/scripted-model.ts';
import { fixtureTokenizer } from '../../trainer-node/dataset/tokenizer-fixture.ts';

const aria: PromptCharacter = {
  name: 'Aria',
  persona: '{{char}} keeps the lighthouse.',
  exampleDialogue: '<START>\n{{user}}: Lit?\n{{char}}: Always.',
};
const history: PromptTurn[] = [{ role: 'user', text: 'Tell me about the sea.' }];
const greedy = { ...SAMPLER_PRESETS.greedy, max_new_tokens: 30 };

/** Continues `partialReply` with the scripted `said`: the prompt, what was streamed, appended and kept. */
async function continueWith(tokenizer: ChatTokenizer, vocabSize: number, partialReply: string, said: string) {
  const model = new ScriptedModel(tokenizer, vocabSize);
  model.say(said);
  const pieces: string[] = [];
  const { prompt, appended, result } = await generateCharacterReply({
    model,
    tokenizer,
    contextLength: 512,
    eosIds: [tokenizer.eosId],
    character: aria,
    history,
    settings: greedy,
    partialReply,
    onText: (text) => pieces.push(text),
  });
  return { prompt, fed: model.calls[0]?.fed, streamed: pieces.join(''), appended, result };
}

describe('continuing a reply (partialReply)', () => {
  it('ends the prompt with the reply so far, streams only the new text and appends it', async () => {
    const tokenizer = await fixtureTokenizer('opt');
    const { prompt, fed, streamed, appended, result } = await continueWith(
      tokenizer,
      tokenizer.vocabSize,
      'The sea is cold  ',
      ', and it never sleeps.\nYou: wow',
    );
    expect(prompt.text).toBe(
      "Aria's Persona: Aria keeps the lighthouse.\n<START>\nYou: Lit?\nAria: Always.\nYou: Tell me about the sea.\nAria: The sea is cold",
    );
    expect(prompt.partialText).toBe(' The sea is cold');
    expect(prompt.ids).toEqual(tokenizer.encodeWithSpecials(prompt.text));
    expect(fed).toEqual(prompt.ids);
    expect(streamed).toBe(', and it never sleeps.');
    expect(appended).toBe(', and it never sleeps.');
    expect(result.reply).toBe('The sea is cold, and it never sleeps.');
    expect(result.stopReason).toBe('stop-string');
  });

  // Llama's tokenizer.json ends its decoder with Strip(" ", 1, 0): a decoded text loses one leading
  // space, so ids decoded on their own would lose the space that joins them to the text before.
  it.each([
    ['byte-level BPE', (decoded: string) => decoded],
    [
      'a decoder that drops a leading space (SentencePiece, Llama)',
      (decoded: string) => decoded.replace(/^ /u, ''),
    ],
  ])('keeps the space that joins the reply so far and the new words: %s', async (_kind, finishDecode) => {
    const bpe = await fixtureTokenizer('gpt2');
    const tokenizer = { ...bpe, decode: (ids: readonly number[]) => finishDecode(bpe.decode(ids)) };
    const { streamed, appended, result } = await continueWith(tokenizer, bpe.vocabSize, 'Cold', ' and deep.');
    expect({ streamed, appended, reply: result.reply }).toEqual({
      streamed: ' and deep.',
      appended: ' and deep.',
      reply: 'Cold and deep.',
    });
  });

  it('without a reply so far, the whole reply is what was added', async () => {
    const tokenizer = await fixtureTokenizer('opt');
    const model = new ScriptedModel(tokenizer, tokenizer.vocabSize);
    model.say(' Cold and deep.');
    const { prompt, appended } = await generateCharacterReply({
      model,
      tokenizer,
      contextLength: 512,
      eosIds: [tokenizer.eosId],
      character: aria,
      history,
      settings: greedy,
    });
    expect(prompt.text.endsWith('\nYou: Tell me about the sea.\nAria:')).toBe(true);
    expect(prompt.partialText).toBe('');
    expect(appended).toBe('Cold and deep.');
  });

  it('refuses a reply so far that holds a "You:" line', async () => {
    const tokenizer = await fixtureTokenizer('opt');
    let caught: unknown;
    try {
      prepareReplyPrompt(aria, history, tokenizer, {
        contextLength: 512,
        maxNewTokens: 30,
        partialReply: 'Fine.\nYou: and me?',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PygboxError);
    expect(caught).toMatchObject({ code: 'usage', place: { field: 'partialReply' } });
  });

  it('never trims the example dialogue: a context too small for it is an error', async () => {
    const tokenizer = await fixtureTokenizer('opt');
    const long = { ...aria, exampleDialogue: 'You: Lit?\nAria: Always, always, always. '.repeat(20) };
    const roomy = prepareReplyPrompt(long, history, tokenizer, { contextLength: 2048, maxNewTokens: 30 });
    expect(roomy.text).toContain('Always, always, always.');
    expect(() =>
      prepareReplyPrompt(long, history, tokenizer, {
        contextLength: roomy.ids.length + 20,
        maxNewTokens: 30,
      }),
    ).toThrow(PygboxError);
  });
});
