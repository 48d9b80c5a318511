import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';

/**
 * A tiny checkpoint for tests (10-25 s on two cores): the repository's OPT tokenizer and a 2-layer
 * OPT, by default fitted for 40 steps on the exporter's sample chat so greedy decoding is not a
 * tie-break lottery (pygbox_worker.export.tiny_fixture). Call it once per test file (beforeAll) and
 * share the folder.
 */
export interface TinyExport {
  tokenizer: string;
  checkpoint: string;
  model: string;
}

export function makeTinyCheckpoint(
  root: string,
  modelType: 'opt' | 'gpt2' | 'llama' = 'opt',
  fitSteps = 40,
): TinyExport {
  const paths = workerPaths();
  const tokenizer = join(root, 'tokenizer');
  const checkpoint = join(root, 'checkpoint');
  execFileSync(
    'node',
    [
      join(paths.root, 'trainer-node/bin/pygbox.js'),
      'dataset',
      'tokenizer',
      tokenizer,
      '--variant',
      modelType === 'gpt2' ? 'gpt2' : 'opt',
    ],
    { stdio: 'pipe' },
  );
  execFileSync(
    paths.python,
    [
      '-m',
      'pygbox_worker.export.tiny_fixture',
      checkpoint,
      '--tokenizer',
      tokenizer,
      '--model-type',
      modelType,
      '--steps',
      String(fitSteps),
    ],
    { cwd: paths.workerFolder, stdio: 'pipe' },
  );
  return { tokenizer, checkpoint, model: join(root, 'model') };
}

/**
 * An exported folder for tests of the runtimes rather than of quality: the model is left random
 * (fitting it costs ~10 s), so the quantized files' gate is opened wide - on a random model top-1
 * agreement is a coin toss. The parity gate's own tests use a fitted model.
 */
export function makeTinyExportedModel(root: string, dtypes = 'fp32,q4'): TinyExport {
  const made = makeTinyCheckpoint(root, 'opt', 0);
  const paths = workerPaths();
  execFileSync(
    paths.python,
    [
      '-m',
      'pygbox_worker.export',
      '--checkpoint',
      made.checkpoint,
      '--out',
      made.model,
      '--dtype',
      dtypes,
      '--max-ppl-increase',
      'q8=1e9,q4=1e9,q4f16=1e9',
      '--min-top1-agreement',
      'q8=0,q4=0,q4f16=0',
    ],
    { cwd: paths.workerFolder, stdio: 'pipe' },
  );
  return made;
}
