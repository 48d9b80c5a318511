import { createHash } from 'node:crypto';

export type SplitName = 'train' | 'eval';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'eval'];

/**
 * The train/eval split, decided by a hash of the episode's split key alone: the same chat lands on
 * the same side in every build, whatever else is in the inputs and in whatever order, and all
 * examples of an episode (and every re-export of it) stay together, so eval never scores a
 * conversation the model trained on.
 */
export function splitOf(splitKey: string, evalFraction: number): SplitName {
  const digest = createHash('sha256').update(`pygbox-split:${splitKey}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < evalFraction ? 'eval' : 'train';
}
