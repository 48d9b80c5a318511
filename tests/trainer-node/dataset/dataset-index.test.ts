import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { readDatasetIndex } from '../../../trainer-node/dataset/dataset-index.ts';
import { indexWithTrainSplit } from './index-fixture.ts';

const shard = {
  ids: 'train-00000.ids.bin',
  mask: 'train-00000.mask.bin',
  tokens: 30,
  exampleOffsets: [0, 10],
  exampleLengths: [10, 20],
  promptLengths: [7, 15],
  packStarts: [0],
};
const valid = indexWithTrainSplit({
  episodes: 1,
  examples: 2,
  tokens: 30,
  trainedTokens: 8,
  shards: [shard],
});

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
    // An example must train at least its EOS: a prompt length of the whole example trains nothing.
    [
      'a prompt as long as its example',
      { ...shard, promptLengths: [7, 20] },
      'splits.train.shards[0].promptLengths[1]',
    ],
    [
      'packs that do not start at the first example',
      { ...shard, packStarts: [1] },
      'splits.train.shards[0].packStarts',
    ],
    ['packs out of order', { ...shard, packStarts: [0, 1, 1] }, 'splits.train.shards[0].packStarts'],
    ['a pack past the last example', { ...shard, packStarts: [0, 2] }, 'splits.train.shards[0].packStarts'],
  ])('rejects %s, naming the field', async (_what, badShard, field) => {
    const error = await read({
      ...valid,
      splits: { ...valid.splits, train: { ...valid.splits.train, shards: [badShard] } },
    });
    expect(error).toBeInstanceOf(PygboxError);
    expect((error as PygboxError).place.field).toBe(field);
    expect((error as PygboxError).code).toBe('dataset-invalid');
  });

  it.each([
    [
      'a pack longer than packLength',
      { maxLength: 20, packLength: 29 },
      'splits.train.shards[0].packStarts[0]',
    ],
    [
      'an example longer than maxLength',
      { maxLength: 19, packLength: 30 },
      'splits.train.shards[0].exampleLengths[1]',
    ],
    ['a packLength below maxLength', { packLength: 1024 }, 'packLength'],
  ])('rejects %s, naming the field', async (_what, limits, field) => {
    const error = await read({ ...valid, ...limits });
    expect(error).toBeInstanceOf(PygboxError);
    expect((error as PygboxError).place.field).toBe(field);
  });

  it('rejects another format version with a hint to rebuild', async () => {
    const error = await read({ ...valid, formatVersion: 2 });
    expect((error as PygboxError).place.field).toBe('formatVersion');
    expect((error as PygboxError).hint).toContain('build the dataset again');
  });
});
