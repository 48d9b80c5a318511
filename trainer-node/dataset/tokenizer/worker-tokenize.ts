import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { workerPaths } from '../../worker-process/worker-paths.ts';

/** The repository's Python environment, made by `npm run setup` (the paths every worker uses). */
const paths = workerPaths();
export const WORKER_PYTHON = paths.python;
const WORKER_FOLDER = paths.workerFolder;

const readySchema = z.object({
  event: z.literal('ready'),
  eos_token_id: z.number().int().nullable(),
  bos_token_id: z.number().int().nullable(),
  pad_token_id: z.number().int().nullable(),
  vocab_size: z.number().int(),
  tokenizer_class: z.string(),
});
const idsSchema = z.object({ ids: z.array(z.number().int()) });
const doneSchema = z.object({ event: z.literal('done'), count: z.number().int() });

export interface WorkerTokenization {
  ready: z.infer<typeof readySchema>;
  ids: number[][];
}

/**
 * Tokenizes texts in the Python worker (`transformers.AutoTokenizer`), the tokenizer training
 * uses. Each text is sent with its own add-special-tokens flag; ids come back in order.
 */
export async function tokenizeInWorker(
  modelFolder: string,
  requests: readonly { text: string; addSpecialTokens: boolean }[],
): Promise<WorkerTokenization> {
  if (!existsSync(WORKER_PYTHON)) {
    throw new PygboxError('worker-failed', 'the Python environment is missing', {
      place: { file: WORKER_PYTHON },
      hint: 'run npm run setup',
    });
  }
  const child = spawn(WORKER_PYTHON, ['-m', 'pygbox_worker.tokenize', modelFolder], {
    cwd: WORKER_FOLDER,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number>((resolveExit, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolveExit(code ?? 1));
  });
  for (const request of requests) {
    child.stdin.write(
      `${JSON.stringify({ text: request.text, add_special_tokens: request.addSpecialTokens })}\n`,
    );
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) {
    throw new PygboxError('worker-failed', `the tokenizer worker exited with status ${code}`, {
      hint: stderr.trim().split('\n').slice(-3).join(' | ') || 'run npm run setup',
    });
  }
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
  const ready = readySchema.parse(lines[0]);
  const ids = lines.slice(1, -1).map((line) => idsSchema.parse(line).ids);
  const done = doneSchema.parse(lines.at(-1));
  if (done.count !== requests.length || ids.length !== requests.length) {
    throw new PygboxError(
      'worker-failed',
      `the tokenizer worker answered ${ids.length} of ${requests.length} texts`,
    );
  }
  return { ready, ids };
}
