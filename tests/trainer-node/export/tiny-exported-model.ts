import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';

/**
 * A tiny exported model folder for tests (about 20-40 s on two cores): the repository's OPT
 * tokenizer, a 2-layer OPT fitted for 40 steps on the exporter's sample chat
 * (pygbox_worker.export.tiny_fixture), then the real exporter with its parity gate. Call it once per
 * test file (beforeAll) and share the folder.
 */
export interface TinyExport {
  tokenizer: string;
  checkpoint: string;
  model: string;
}

export function makeTinyCheckpoint(root: string, modelType: 'opt' | 'gpt2' | 'llama' = 'opt'): TinyExport {
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
    ],
    { cwd: paths.workerFolder, stdio: 'pipe' },
  );
  return { tokenizer, checkpoint, model: join(root, 'model') };
}

export function makeTinyExportedModel(root: string, dtypes = 'fp32,q4'): TinyExport {
  const made = makeTinyCheckpoint(root);
  const paths = workerPaths();
  execFileSync(
    paths.python,
    ['-m', 'pygbox_worker.export', '--checkpoint', made.checkpoint, '--out', made.model, '--dtype', dtypes],
    { cwd: paths.workerFolder, stdio: 'pipe' },
  );
  return made;
}
