import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { readDatasetIndex } from './dataset-index.ts';
import { showExample } from './show-example.ts';
import type { SplitName } from './split-episode.ts';
import { loadDatasetTokenizer } from './tokenizer/dataset-tokenizer.ts';

/**
 * `pygbox dataset show`: reads examples straight from the shards, as a trainer would, and prints
 * them with the trained span marked, so what the loss sees can be checked by eye.
 */
export async function showDatasetExamples(
  folder: string,
  split: SplitName,
  first: number,
  count: number,
): Promise<string> {
  const index = await readDatasetIndex(folder);
  const tokenizer = await loadDatasetTokenizer(join(folder, index.tokenizer.folder));
  if (tokenizer.sha256 !== index.tokenizer.sha256) {
    throw new PygboxError(
      'dataset-invalid',
      'the tokenizer in the dataset folder is not the one it was built with',
      {
        place: { file: join(folder, index.tokenizer.folder, 'tokenizer.json') },
        hint: 'build the dataset again',
      },
    );
  }
  const total = index.splits[split].examples;
  if (first >= total) {
    throw new PygboxError(
      'usage',
      `the ${split} split has ${total} example(s); there is no example ${first}`,
      {
        hint: `pass --example between 0 and ${Math.max(total - 1, 0)}`,
      },
    );
  }
  const shown: string[] = [];
  let base = 0;
  for (const shard of index.splits[split].shards) {
    const inShard = shard.exampleOffsets.length;
    for (let local = Math.max(first - base, 0); local < inShard && shown.length < count; local += 1) {
      const offset = shard.exampleOffsets[local] ?? 0;
      const length = shard.exampleLengths[local] ?? 0;
      const ids = await readIds(join(folder, shard.ids), offset, length);
      const mask = await readBytes(join(folder, shard.mask), offset, length);
      const promptLength = mask.indexOf(1) === -1 ? length : mask.indexOf(1);
      shown.push(
        `=== ${split} example ${base + local} ===\n${showExample(tokenizer.decode, ids, promptLength)}`,
      );
    }
    base += inShard;
    if (shown.length >= count) break;
  }
  return shown.join('\n\n');
}

async function readBytes(file: string, offset: number, length: number, width = 1): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const bytes = new Uint8Array(length * width);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset * width);
    // A short read leaves zeros, which would show as real tokens (id 0, "untrained").
    if (bytesRead !== bytes.length) {
      throw new PygboxError('dataset-invalid', 'this shard file is shorter than index.json says', {
        place: { file },
        hint: 'the dataset is damaged or was copied partly; copy it again or build it again',
      });
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

async function readIds(file: string, offset: number, length: number): Promise<Uint32Array> {
  const bytes = await readBytes(file, offset, length, 4);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, length);
}
