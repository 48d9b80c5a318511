import type { DatasetIndex } from '../../../trainer-node/dataset/dataset-index.ts';

type Split = DatasetIndex['splits']['train'];

export const EMPTY_SPLIT: Split = { episodes: 0, examples: 0, tokens: 0, trainedTokens: 0, shards: [] };

/** A dataset index around one train split, with the GPT-2 tokenizer's numbers; no eval split. */
export function indexWithTrainSplit(
  train: Split,
  options: { tokenizerSha256?: string; maxLength?: number; evalFraction?: number } = {},
): DatasetIndex {
  const maxLength = options.maxLength ?? 2048;
  return {
    format: 'pygbox-dataset',
    formatVersion: 1,
    promptFormatVersion: 1,
    tool: 'pygbox test',
    dtypes: { ids: '<u4', mask: '|u1' },
    tokenizer: {
      folder: 'tokenizer',
      sha256: options.tokenizerSha256 ?? 'a'.repeat(64),
      vocabSize: 50257,
      eosTokenId: 50256,
      prefixTokenIds: [],
    },
    maxLength,
    packLength: maxLength,
    evalFraction: options.evalFraction ?? 0.02,
    splits: { train, eval: EMPTY_SPLIT },
  };
}
