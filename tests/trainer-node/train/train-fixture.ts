import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_BUILD_OPTIONS, runDatasetBuild } from '../../../trainer-node/dataset/run-dataset-build.ts';
import { writeGpt2Tokenizer } from '../../../trainer-node/dataset/tokenizer/write-gpt2-tokenizer.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const TINY_OPT = join(ROOT, 'samples/train/tiny-opt');

/**
 * A real dataset from the bundled samples, built by the dataset builder with an OPT tokenizer into
 * a temporary folder: short packs (256 tokens), so a CPU step takes a fraction of a second.
 */
export async function buildFixtureDataset(): Promise<{ work: string; dataset: string }> {
  const work = mkdtempSync(join(tmpdir(), 'pygbox-train-'));
  const tokenizer = join(work, 'tokenizer');
  await writeGpt2Tokenizer(tokenizer, 'opt', false);
  const dataset = join(work, 'dataset');
  await runDatasetBuild({
    inputs: [join(ROOT, 'samples/dataset'), join(ROOT, 'samples/captures')],
    out: dataset,
    tokenizer,
    maxLength: 128,
    packLength: 256,
    evalFraction: 0.1,
    minReplyWords: 3,
    shardTokens: 1 << 16,
    identities: [],
    redactions: [],
    strict: false,
    overwrite: false,
    previewExamples: DEFAULT_BUILD_OPTIONS.previewExamples,
  });
  return { work, dataset };
}

/** A config for the tiny OPT on the fixture dataset; `extra` is appended YAML (more sections). */
export function writeTrainConfig(work: string, name: string, outputDir: string, extra = ''): string {
  const file = join(work, `${name}.yaml`);
  mkdirSync(work, { recursive: true });
  writeFileSync(
    file,
    [
      'dataset: dataset',
      `output_dir: ${outputDir}`,
      'model:',
      `  base: ${TINY_OPT}`,
      '  init: random',
      'train:',
      '  max_steps: 12',
      '  gradient_accumulation_steps: 1',
      '  learning_rate: 3.0e-3',
      '  warmup_steps: 2',
      'eval:',
      '  every_steps: 0',
      '  max_batches: 2',
      'checkpoint:',
      '  every_steps: 4',
      '  keep_last: 3',
      extra,
    ].join('\n'),
  );
  return file;
}
