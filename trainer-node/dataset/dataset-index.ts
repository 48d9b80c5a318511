import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { formatIssuePath } from '../../shared/errors/zod-issue-path.ts';
import { sha256HexSchema } from '../../shared/zip/sha256-hex.ts';

/**
 * `index.json` of a dataset folder: everything a reader needs to use the shards, and nothing it has
 * to guess. See README.md in this folder for the layout and a numpy reader.
 */
export const DATASET_FORMAT = 'pygbox-dataset';
export const DATASET_FORMAT_VERSION = 1;
export const INDEX_FILE = 'index.json';

const count = z.number().int().nonnegative();
const fileName = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'a plain file name inside the dataset folder');

export const shardSchema = z
  .object({
    /** Token ids, little-endian uint32, all examples of the shard back to back. */
    ids: fileName,
    /** One byte per token: 1 where the token is trained (reply and EOS), 0 where it is masked. */
    mask: fileName,
    tokens: count,
    /** Per example: where it starts in the shard (in tokens), its length, where its reply starts. */
    exampleOffsets: z.array(count),
    exampleLengths: z.array(count),
    promptLengths: z.array(count),
    /**
     * Packing: each pack is a run of consecutive examples whose lengths sum to at most `packLength`,
     * given by the index of its first example. A pack ends where the next begins. Attention and
     * positions restart at every example boundary inside a pack.
     */
    packStarts: z.array(count),
  })
  .strict()
  .superRefine((shard, context) => {
    const n = shard.exampleOffsets.length;
    if (shard.exampleLengths.length !== n || shard.promptLengths.length !== n) {
      context.addIssue({
        code: 'custom',
        message: 'per-example arrays differ in length',
        path: ['exampleLengths'],
      });
    }
    let expected = 0;
    for (let index = 0; index < n; index += 1) {
      if (shard.exampleOffsets[index] !== expected) {
        context.addIssue({
          code: 'custom',
          message: 'examples are not back to back',
          path: ['exampleOffsets', index],
        });
        return;
      }
      expected += shard.exampleLengths[index] ?? 0;
    }
    if (expected !== shard.tokens) {
      context.addIssue({
        code: 'custom',
        message: 'example lengths do not add up to tokens',
        path: ['tokens'],
      });
    }
    // Every example trains at least its EOS, so its trained span starts before its end.
    const untrained = shard.promptLengths.findIndex(
      (prompt, index) => prompt >= (shard.exampleLengths[index] ?? 0),
    );
    if (untrained !== -1) {
      context.addIssue({
        code: 'custom',
        message: 'an example whose prompt fills it has nothing to train',
        path: ['promptLengths', untrained],
      });
    }
    // Packs cover the examples in order: the first starts at example 0, each later one after it.
    const ordered = shard.packStarts.every(
      (start, index) => start < n && (index === 0 ? start === 0 : start > (shard.packStarts[index - 1] ?? 0)),
    );
    if (!ordered || (n > 0 && shard.packStarts.length === 0)) {
      context.addIssue({
        code: 'custom',
        message: 'packs must start at example 0 and then at increasing examples of this shard',
        path: ['packStarts'],
      });
    }
  });
export type DatasetShard = z.infer<typeof shardSchema>;

const splitSchema = z
  .object({
    episodes: count,
    examples: count,
    tokens: count,
    trainedTokens: count,
    shards: z.array(shardSchema),
  })
  .strict();
export type DatasetSplit = z.infer<typeof splitSchema>;

export const datasetIndexSchema = z
  .object({
    format: z.literal(DATASET_FORMAT),
    formatVersion: z.literal(DATASET_FORMAT_VERSION),
    promptFormatVersion: z.number().int().positive(),
    tool: z.string(),
    dtypes: z.object({ ids: z.literal('<u4'), mask: z.literal('|u1') }).strict(),
    tokenizer: z
      .object({
        /** The tokenizer files, copied into the dataset folder. */
        folder: fileName,
        sha256: sha256HexSchema,
        vocabSize: z.number().int().positive(),
        eosTokenId: count,
        /** Ids the tokenizer puts before every text (OPT: [2]); part of each example's prompt. */
        prefixTokenIds: z.array(count),
      })
      .strict(),
    maxLength: z.number().int().positive(),
    packLength: z.number().int().positive(),
    evalFraction: z.number().min(0).max(1),
    splits: z.object({ train: splitSchema, eval: splitSchema }).strict(),
  })
  .strict()
  .superRefine((index, context) => {
    if (index.packLength < index.maxLength) {
      context.addIssue({
        code: 'custom',
        message: 'packLength is below maxLength: an example would not fit a pack',
        path: ['packLength'],
      });
      return;
    }
    // The trainer sizes its buffers by these two: an example or a pack longer would overflow them.
    for (const split of ['train', 'eval'] as const) {
      for (const [number, shard] of index.splits[split].shards.entries()) {
        const where = ['splits', split, 'shards', number];
        const long = shard.exampleLengths.findIndex((length) => length > index.maxLength);
        if (long !== -1) {
          context.addIssue({
            code: 'custom',
            message: 'an example is longer than maxLength',
            path: [...where, 'exampleLengths', long],
          });
          return;
        }
        for (const [pack, first] of shard.packStarts.entries()) {
          const end = shard.packStarts[pack + 1] ?? shard.exampleLengths.length;
          let tokens = 0;
          for (let example = first; example < end; example += 1) tokens += shard.exampleLengths[example] ?? 0;
          if (tokens > index.packLength) {
            context.addIssue({
              code: 'custom',
              message: 'a pack is longer than packLength',
              path: [...where, 'packStarts', pack],
            });
            return;
          }
        }
      }
    }
  });
export type DatasetIndex = z.infer<typeof datasetIndexSchema>;

/** Reads and validates a dataset folder's index.json; any problem names the field and the fix. */
export async function readDatasetIndex(folder: string): Promise<DatasetIndex> {
  const file = join(folder, INDEX_FILE);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new PygboxError('dataset-invalid', 'cannot read the dataset index', {
      place: { file },
      hint: 'pass a folder written by `pygbox dataset build`',
      cause,
    });
  }
  const parsed = datasetIndexSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PygboxError('dataset-invalid', `is not a valid dataset index: ${issue?.message ?? 'invalid'}`, {
      place: { file, field: issue === undefined ? '' : formatIssuePath(issue.path) },
      hint: 'build the dataset again with this version of Pygbox',
    });
  }
  return parsed.data;
}
