import type { Command } from 'commander';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import {
  DEFAULT_SAMPLER_PRESET,
  resolveSamplerSettings,
  SAMPLER_PRESET_NAMES,
} from '../../shared/generate/sampler-presets.ts';
import { parseCommandOptions } from './parse-command-options.ts';

const number = z.coerce.number();
const chatOptionsSchema = z.object({
  character: z.string().min(1).optional(),
  chat: z.string().min(1).optional(),
  chatIndex: z.coerce.number().int().min(0),
  dtype: z.enum(['auto', 'fp32', 'q8', 'q4', 'q4f16']),
  preset: z.string().min(1),
  temperature: number.optional(),
  topP: number.optional(),
  topK: number.optional(),
  typicalP: number.optional(),
  minP: number.optional(),
  repetitionPenalty: number.optional(),
  repetitionPenaltyRange: number.optional(),
  maxNewTokens: number.optional(),
  seed: number.optional(),
  message: z.string().optional(),
  logPrompts: z.string().min(1).optional(),
});

/** Commander's own errors are ugly for numbers; zod's are turned into a usage error naming the option. */
export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description(
      'chat in the terminal with an exported model: the prompt format, sampling and stop rules of the browser chat',
    )
    .argument('<model-dir>', 'a model folder written by pygbox export')
    .option('--character <card>', '[string] a character card (V1/V2/V3 .json, or .png) to chat with')
    .option(
      '--chat <file>',
      '[string] take the character and greeting from a dumped chat (Pygbox zip or capture file)',
    )
    .option('--chat-index <n>', '[number] which chat of --chat', '0')
    .option(
      '--dtype <name>',
      '[auto|fp32|q8|q4|q4f16] which ONNX file to run (auto: the first of these present)',
      'auto',
    )
    .option('--preset <name>', `[${SAMPLER_PRESET_NAMES.join('|')}] sampler preset`, DEFAULT_SAMPLER_PRESET)
    .option('--temperature <t>', '[number] 0 = greedy (default: the preset)')
    .option('--top-p <p>', '[number] nucleus mass, 1 = off')
    .option('--top-k <k>', '[number] keep the k most likely tokens, 0 = off')
    .option('--typical-p <p>', '[number] typical sampling mass, 1 = off')
    .option('--min-p <p>', '[number] drop tokens below p x the most likely, 0 = off')
    .option('--repetition-penalty <x>', '[number] 1 = off')
    .option('--repetition-penalty-range <n>', '[number] last n tokens the penalty looks at, 0 = all')
    .option('--max-new-tokens <n>', '[number] reply length limit')
    .option('--seed <n>', '[number] repeat a chat exactly (default: a fresh seed, printed)')
    .option('--message <text>', '[string] say this, print the reply, and exit')
    .option('--log-prompts <file>', "[string] append each reply's prompt, fed ids and output as JSON lines")
    .action(async (modelDir: string, rawOptions: unknown) => {
      const options = parseCommandOptions(chatOptionsSchema, rawOptions, 'chat');
      if (options.character !== undefined && options.chat !== undefined) {
        throw new PygboxError('usage', 'give --character or --chat, not both', {
          hint: 'a card gives the character; a dumped chat gives its character and greeting',
        });
      }
      const settings = resolveSamplerSettings(options.preset, {
        temperature: options.temperature,
        top_p: options.topP,
        top_k: options.topK,
        typical_p: options.typicalP,
        min_p: options.minP,
        repetition_penalty: options.repetitionPenalty,
        repetition_penalty_range: options.repetitionPenaltyRange,
        max_new_tokens: options.maxNewTokens,
        seed: options.seed,
      });
      const { runChat } = await import('../chat/run-chat.ts');
      await runChat(
        {
          modelDir,
          ...(options.character === undefined ? {} : { card: options.character }),
          ...(options.chat === undefined ? {} : { chat: options.chat }),
          chatIndex: options.chatIndex,
          dtype: options.dtype,
          preset: options.preset,
          settings,
          ...(options.message === undefined ? {} : { message: options.message }),
          ...(options.logPrompts === undefined ? {} : { logPrompts: options.logPrompts }),
        },
        { input: process.stdin, output: process.stdout, status: process.stderr },
      );
    });
}
