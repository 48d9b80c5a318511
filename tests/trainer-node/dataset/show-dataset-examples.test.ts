import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { showDatasetExamples } from '../../../trainer-node/dataset/show-dataset-examples.ts';
import { buildGpt2TokenizerFiles } from '../../../trainer-node/dataset/tokenizer/gpt2-tokenizer-files.ts';
import { indexWithTrainSplit } from './index-fixture.ts';

/** A one-example dataset folder whose shard files hold `storedTokens` of the example's 4 tokens. */
async function datasetFolder(storedTokens: number): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'pygbox-show-'));
  const files = await buildGpt2TokenizerFiles('gpt2');
  mkdirSync(join(folder, 'tokenizer'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, 'tokenizer', name), text);
  const ids = Uint32Array.of(15496, 25, 10133, 50256).subarray(0, storedTokens);
  writeFileSync(join(folder, 'train-00000.ids.bin'), new Uint8Array(ids.buffer, 0, ids.byteLength));
  writeFileSync(join(folder, 'train-00000.mask.bin'), Uint8Array.of(0, 0, 1, 1).subarray(0, storedTokens));
  const index = indexWithTrainSplit(
    {
      episodes: 1,
      examples: 1,
      tokens: 4,
      trainedTokens: 2,
      shards: [
        {
          ids: 'train-00000.ids.bin',
          mask: 'train-00000.mask.bin',
          tokens: 4,
          exampleOffsets: [0],
          exampleLengths: [4],
          promptLengths: [2],
          packStarts: [0],
        },
      ],
    },
    {
      tokenizerSha256: createHash('sha256').update(files['tokenizer.json']).digest('hex'),
      maxLength: 16,
      evalFraction: 0,
    },
  );
  writeFileSync(join(folder, 'index.json'), JSON.stringify(index));
  return folder;
}

describe('pygbox dataset show', () => {
  it('shows an example with its trained span marked', async () => {
    expect(await showDatasetExamples(await datasetFolder(4), 'train', 0, 1)).toMatch(
      /^=== train example 0 ===\nHello:⟦ \w+<\|endoftext\|>⟧\n\[4 tokens: 2 masked, 2 trained\]$/u,
    );
  });

  it('refuses a shard shorter than the index says, instead of showing zeros as tokens', async () => {
    const error = await showDatasetExamples(await datasetFolder(3), 'train', 0, 1).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PygboxError);
    expect((error as PygboxError).code).toBe('dataset-invalid');
    expect((error as PygboxError).place.file).toContain('train-00000.ids.bin');
  });
});
