import { join, resolve } from 'node:path';

/**
 * Where the Python worker and its environment live. One place, so the setup check, the spawner and
 * the tests agree on them.
 */
export const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');

export interface WorkerPaths {
  /** The repository root (holds `.venv/` and `scripts/setup-python.sh`). */
  root: string;
  /** The venv's interpreter every worker runs under. */
  python: string;
  /** `trainer-node/worker`: the worker's cwd, so `python -m pygbox_worker.<entry>` finds the package. */
  workerFolder: string;
  /** The pinned requirements whose hash decides whether `.venv` is current. */
  requirements: readonly string[];
  /** Written by scripts/setup-python.sh once the requirements are installed. */
  stamp: string;
  setupScript: string;
}

export function workerPaths(root: string = REPOSITORY_ROOT): WorkerPaths {
  return {
    root,
    python: join(root, '.venv/bin/python'),
    workerFolder: join(root, 'trainer-node/worker'),
    // The same two files, in the same order, that setup-python.sh hashes into the stamp.
    requirements: [
      join(root, 'trainer-node/worker/requirements.txt'),
      join(root, 'trainer-node/worker/requirements-dev.txt'),
    ],
    stamp: join(root, '.venv/.requirements.sha256'),
    setupScript: join(root, 'scripts/setup-python.sh'),
  };
}
