import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { type DatasetIndex, readDatasetIndex } from '../../../trainer-node/dataset/dataset-index.ts';

const shard = {
  ids: 'train-00000.ids.bin',
  mask: 'train-00000.mask.bin',
  tokens: 30,
  exampleOffsets: [0, 10],
  exampleLengths: [10, 20],
  promptLengths: [7, 15],
  packStarts: [0],
};
const emptySplit = { episodes: 0, examples: 0, tokens: 0, trainedTokens: 0, shards: [] };
const valid: DatasetIndex = {
  format: 'pygbox-dataset',
  formatVersion: 1,
  promptFormatVersion: 1,
  tool: 'pygbox test',
  dtypes: { ids: '<u4', mask: '|u1' },
  tokenizer: {
    folder: 'tokenizer',
    sha256: 'a'.repeat(64),
    vocabSize: 50257,
    eosTokenId: 50256,
    prefixTokenIds: [],
  },
  maxLength: 2048,
  packLength: 2048,
  evalFraction: 0.02,
  splits: {
    train: { episodes: 1, examples: 2, tokens: 30, trainedTokens: 8, shards: [shard] },
    eval: emptySplit,
  },
};

async function read(index: unknown): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'pygbox-index-'));
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return readDatasetIndex(dir).catch((error: unknown) => error);
}

describe('the dataset index', () => {
  it('reads a valid index', async () => {
    expect(await read(valid)).toEqual(valid);
  });

  it.each([
    [
      'examples that are not back to back',
      { ...shard, exampleOffsets: [0, 11] },
      'splits.train.shards[0].exampleOffsets[1]',
    ],
    ['lengths that do not add up', { ...shard, tokens: 31 }, 'splits.train.shards[0].tokens'],
    ['a shard file outside the folder', { ...shard, ids: '../secrets.bin' }, 'splits.train.shards[0].ids'],
    [
      'per-example arrays of different lengths',
      { ...shard, promptLengths: [7] },
      'splits.train.shards[0].exampleLengths',
    ],
  ])('rejects %s, naming the field', async (_what, badShard, field) => {
    const error = await read({
      ...valid,
      splits: { ...valid.splits, train: { ...valid.splits.train, shards: [badShard] } },
    });
    expect(error).toBeInstanceOf(PygboxError);
    expect((error as PygboxError).place.field).toBe(field);
    expect((error as PygboxError).code).toBe('dataset-invalid');
  });

  it('rejects another format version with a hint to rebuild', async () => {
    const error = await read({ ...valid, formatVersion: 2 });
    expect((error as PygboxError).place.field).toBe('formatVersion');
    expect((error as PygboxError).hint).toContain('build the dataset again');
  });
});
