import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { loadDatasetTokenizer } from '../../../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';
import { buildGpt2TokenizerFiles } from '../../../trainer-node/dataset/tokenizer/gpt2-tokenizer-files.ts';

describe('the dataset tokenizer', () => {
  it('refuses a post-processor that appends tokens after the text, naming the field', async () => {
    // Such a tokenizer ends every prompt with its EOS: the model would see an end-of-sequence right
    // before each reply it is taught, and the reply's own EOS would no longer be the only one.
    const folder = join(mkdtempSync(join(tmpdir(), 'pygbox-suffix-')), 'tokenizer');
    mkdirSync(folder);
    const files = await buildGpt2TokenizerFiles('gpt2');
    const json = JSON.parse(files['tokenizer.json']);
    const eos = { SpecialToken: { id: '<|endoftext|>', type_id: 0 } };
    json.post_processor = {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, eos],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, eos],
      special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [50256], tokens: ['<|endoftext|>'] } },
    };
    writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(json));
    writeFileSync(join(folder, 'tokenizer_config.json'), files['tokenizer_config.json']);
    const error = await loadDatasetTokenizer(folder).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PygboxError);
    expect((error as PygboxError).code).toBe('tokenizer-invalid');
    expect((error as PygboxError).place.field).toBe('post_processor');
    expect((error as PygboxError).message).toContain('after the text');
  });
});
