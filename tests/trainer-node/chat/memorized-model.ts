import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PromptCharacter, PromptTurn } from '../../../shared/prompt/prompt-format.ts';
import { renderPrompt } from '../../../shared/prompt/render-prompt.ts';
import {
  type DatasetTokenizer,
  loadDatasetTokenizer,
} from '../../../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';
import { buildGpt2TokenizerFiles } from '../../../trainer-node/dataset/tokenizer/gpt2-tokenizer-files.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';

/**
 * A model that knows one chat by heart, exported by the real exporter: the chat tests can then
 * predict every reply and check where it stops. The character comes from a V2 card; the chat is
 * the card's greeting, then
 *   You: Hello there      -> Aria: Welcome, traveler.   (the model goes on with `\nYou:`: a stop string)
 *   You: Goodbye          -> Aria: Farewell.            (then the end-of-sequence token)
 * trained as one sequence (the second prompt, its reply, EOS), so the first prompt is its prefix.
 */
export const LIGHTHOUSE_CARD = {
  spec: 'chara_card_v2',
  spec_version: '2.0',
  data: {
    name: 'Aria',
    description: '{{char}} keeps the lighthouse and greets {{user}} at the door.',
    personality: '',
    scenario: 'A stormy night.',
    first_mes: 'Who knocks at my door?',
    mes_example: '',
    creator_notes: '',
  },
};

/** The character as the card reader must give it (the test checks the CLI agrees). */
export const ARIA: PromptCharacter = {
  name: 'Aria',
  persona: '{{char}} keeps the lighthouse and greets {{user}} at the door.',
  scenario: 'A stormy night.',
};
export const GREETING = 'Who knocks at my door?';
export const FIRST = { message: 'Hello there', reply: 'Welcome, traveler.' };
export const SECOND = { message: 'Goodbye', reply: 'Farewell.' };

export function historyAfter(turns: number): PromptTurn[] {
  const all: PromptTurn[] = [
    { role: 'char', text: GREETING },
    { role: 'user', text: FIRST.message },
    { role: 'char', text: FIRST.reply },
    { role: 'user', text: SECOND.message },
  ];
  return all.slice(0, turns);
}

/** The prompt shared/prompt renders for a history, as the model must be fed it. */
export function expectedPromptIds(tokenizer: DatasetTokenizer, history: readonly PromptTurn[]): number[] {
  const rendered = renderPrompt(ARIA, history, {
    countTokens: (text) => tokenizer.encode(text).length,
    budget: 10_000,
    reserve: 0,
  });
  if (rendered === undefined) throw new Error('the fixture prompt does not render');
  return tokenizer.encodeWithSpecials(rendered.text);
}

export interface MemorizedModel {
  model: string;
  card: string;
  tokenizer: DatasetTokenizer;
}

/**
 * 30-60 s on two cores: the tokenizer, then (one Python process) memorizing, the real exporter's
 * fp32 file with its parity gate, and a q4f16 file from the exporter's quantizer, whose float16 KV
 * cache the transformers.js adapter must handle too.
 */
export async function makeMemorizedModel(root: string): Promise<MemorizedModel> {
  const paths = workerPaths();
  const tokenizerDir = join(root, 'tokenizer');
  mkdirSync(tokenizerDir, { recursive: true });
  for (const [name, text] of Object.entries(await buildGpt2TokenizerFiles('opt'))) {
    writeFileSync(join(tokenizerDir, name), text);
  }
  const tokenizer = await loadDatasetTokenizer(tokenizerDir);
  const sequence = [
    ...expectedPromptIds(tokenizer, historyAfter(4)),
    ...tokenizer.encode(` ${SECOND.reply}`),
    tokenizer.eosId,
  ];
  const sequences = join(root, 'sequences.json');
  writeFileSync(sequences, JSON.stringify([sequence]));
  const checkpoint = join(root, 'checkpoint');
  const model = join(root, 'model');
  execFileSync(
    paths.python,
    [join(import.meta.dirname, 'memorized_checkpoint.py'), checkpoint, tokenizerDir, sequences, model],
    { env: { ...process.env, PYTHONPATH: paths.workerFolder }, stdio: 'pipe' },
  );
  const card = join(root, 'aria.json');
  writeFileSync(card, JSON.stringify(LIGHTHOUSE_CARD));
  return { model, card, tokenizer };
}
