import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { chatTokenizerFromFiles } from '../../../shared/generate/load-chat-tokenizer.ts';
import { loadDatasetTokenizer } from '../../../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';
import { tokenizerFolder } from '../../trainer-node/dataset/tokenizer-fixture.ts';

const NAMES = { tokenizerJson: 'tokenizer.json', tokenizerConfig: 'tokenizer_config.json' };

async function files(variant: 'opt' | 'gpt2'): Promise<{ json: string; config: string; folder: string }> {
  const folder = await tokenizerFolder(variant);
  return {
    folder,
    json: readFileSync(join(folder, 'tokenizer.json'), 'utf8'),
    config: readFileSync(join(folder, 'tokenizer_config.json'), 'utf8'),
  };
}

function refusal(run: () => unknown): PygboxError {
  try {
    run();
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('expected a PygboxError');
}

describe('chatTokenizerFromFiles (the chat page builds its tokenizer from the model files)', () => {
  it("gives the dataset tokenizer's ids, prefix and EOS from the same file texts", async () => {
    for (const variant of ['opt', 'gpt2'] as const) {
      const { json, config, folder } = await files(variant);
      const chat = chatTokenizerFromFiles(json, config, NAMES);
      const dataset = await loadDatasetTokenizer(folder);
      const text = "Aria's Persona: kind.\n<START>\nYou: Héllo — naïve café?\nAria: Yes!</s>";
      expect(chat.encode(text)).toEqual(dataset.encode(text));
      expect(chat.encodeWithSpecials(text)).toEqual(dataset.encodeWithSpecials(text));
      expect(chat.decode(chat.encode(text))).toBe(text);
      expect(chat.prefixIds).toEqual(dataset.prefixIds);
      expect([chat.eosId, chat.eosText, chat.vocabSize]).toEqual([
        dataset.eosId,
        dataset.eosText,
        dataset.vocabSize,
      ]);
      expect(chat.specialTexts).toEqual(dataset.specialTexts);
    }
  });

  it("gives GPT-2's published ids, not only the same ids as the dataset (which is built on it)", async () => {
    const { json, config } = await files('gpt2');
    const gpt2 = chatTokenizerFromFiles(json, config, NAMES);
    expect(gpt2.encodeWithSpecials('Hello there')).toEqual([15496, 612]);
    expect([gpt2.eosId, gpt2.eosText, gpt2.vocabSize]).toEqual([50256, '<|endoftext|>', 50257]);
  });

  it("puts OPT's </s> before a prompt and nothing before GPT-2's", async () => {
    const opt = await files('opt');
    const gpt2 = await files('gpt2');
    expect(chatTokenizerFromFiles(opt.json, opt.config, NAMES).prefixIds).toEqual([2]);
    expect(chatTokenizerFromFiles(gpt2.json, gpt2.config, NAMES).prefixIds).toEqual([]);
  });

  it('names the file it could not read, as the caller named it', async () => {
    const { json, config } = await files('opt');
    const names = { tokenizerJson: 'model/tokenizer.json', tokenizerConfig: 'model/tokenizer_config.json' };
    const broken = refusal(() => chatTokenizerFromFiles('{"model": ', config, names));
    expect([broken.code, broken.place.file]).toEqual(['tokenizer-invalid', 'model/tokenizer.json']);
    const noEos = refusal(() => chatTokenizerFromFiles(json, '{}', names));
    expect(noEos.place).toEqual({ file: 'model/tokenizer_config.json', field: 'eos_token' });
    const unknownEos = refusal(() => chatTokenizerFromFiles(json, '{"eos_token": "<never>"}', names));
    expect(unknownEos.place.field).toBe('eos_token');
    const shape = refusal(() => chatTokenizerFromFiles('{"added_tokens": 3, "model": {}}', config, names));
    expect(shape.place).toEqual({ file: 'model/tokenizer.json', field: 'added_tokens' });
  });
});
