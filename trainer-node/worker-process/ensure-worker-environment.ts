import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { type WorkerPaths, workerPaths } from './worker-paths.ts';

export type WorkerEnvironmentState = 'ready' | 'missing' | 'stale';

/**
 * Whether `.venv` matches the pinned requirements: the stamp setup-python.sh writes is the sha256 of
 * the requirement files concatenated, so a changed pin makes the environment stale.
 */
export function workerEnvironmentState(paths: WorkerPaths = workerPaths()): WorkerEnvironmentState {
  if (!existsSync(paths.python)) return 'missing';
  if (!existsSync(paths.stamp)) return 'stale';
  const hash = createHash('sha256');
  for (const file of paths.requirements) hash.update(readFileSync(file));
  return readFileSync(paths.stamp, 'utf8').trim() === hash.digest('hex') ? 'ready' : 'stale';
}

/** The interpreter setup-python.sh builds the venv from (it honours the same variable). */
function basePython(): string {
  return process.env.PYGBOX_PYTHON ?? 'python3';
}

/**
 * Makes sure the worker can run: when `.venv` is missing or its requirements changed, runs
 * scripts/setup-python.sh (its progress goes to stderr, where the user sees it). A machine without
 * Python gets a clear error instead of the shell's "command not found".
 */
export async function ensureWorkerEnvironment(
  options: { paths?: WorkerPaths; log?: (line: string) => void } = {},
): Promise<void> {
  const paths = options.paths ?? workerPaths();
  const state = workerEnvironmentState(paths);
  if (state === 'ready') return;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const python = basePython();
  const probe = spawnSync(python, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new PygboxError('worker-failed', `Python 3 is needed to train, and '${python}' cannot be run`, {
      hint: 'install Python 3.10 or newer (with venv), or set PYGBOX_PYTHON to its path, then try again',
    });
  }
  log(
    state === 'missing'
      ? 'pygbox: creating the Python environment (.venv) for the worker; this happens once'
      : 'pygbox: the worker requirements changed; updating .venv',
  );
  const code = await new Promise<number>((resolveExit, reject) => {
    const child = spawn('bash', [paths.setupScript], {
      cwd: paths.root,
      // The script's own output is progress for the user: stdout would mix with a command's results.
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.on('error', reject);
    child.on('close', (status) => resolveExit(status ?? 1));
  });
  if (code !== 0 || workerEnvironmentState(paths) !== 'ready') {
    throw new PygboxError('worker-failed', `setting up the Python environment failed (status ${code})`, {
      place: { file: paths.setupScript },
      hint: 'read the pip output above; fix the network or mirror, then run npm run setup',
    });
  }
}
