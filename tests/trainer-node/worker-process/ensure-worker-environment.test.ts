import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ensureWorkerEnvironment,
  workerEnvironmentState,
} from '../../../trainer-node/worker-process/ensure-worker-environment.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';

/** A repository-shaped folder with requirement files and, on request, a venv stamp. */
function fakeRoot(stamp: 'none' | 'current' | 'old' | 'no-python'): string {
  const root = mkdtempSync(join(tmpdir(), 'pygbox-venv-'));
  mkdirSync(join(root, 'trainer-node/worker'), { recursive: true });
  writeFileSync(join(root, 'trainer-node/worker/requirements.txt'), 'torch==2.13.0\n');
  writeFileSync(join(root, 'trainer-node/worker/requirements-dev.txt'), '-r requirements.txt\npytest\n');
  if (stamp === 'no-python') return root;
  mkdirSync(join(root, '.venv/bin'), { recursive: true });
  writeFileSync(join(root, '.venv/bin/python'), '');
  const hash = createHash('sha256').update('torch==2.13.0\n').update('-r requirements.txt\npytest\n');
  if (stamp === 'current') writeFileSync(join(root, '.venv/.requirements.sha256'), `${hash.digest('hex')}\n`);
  if (stamp === 'old') writeFileSync(join(root, '.venv/.requirements.sha256'), `${'0'.repeat(64)}\n`);
  return root;
}

const savedPython = process.env.PYGBOX_PYTHON;
afterEach(() => {
  if (savedPython === undefined) delete process.env.PYGBOX_PYTHON;
  else process.env.PYGBOX_PYTHON = savedPython;
});

describe('the worker environment check', () => {
  it('matches the stamp setup-python.sh writes (the same hash as `cat reqs | sha256sum`)', () => {
    expect(workerEnvironmentState(workerPaths(fakeRoot('current')))).toBe('ready');
    expect(workerEnvironmentState(workerPaths(fakeRoot('old')))).toBe('stale');
    expect(workerEnvironmentState(workerPaths(fakeRoot('none')))).toBe('stale');
    expect(workerEnvironmentState(workerPaths(fakeRoot('no-python')))).toBe('missing');
  });

  it("finds this repository's .venv ready, so nothing is installed", async () => {
    expect(workerEnvironmentState()).toBe('ready');
    const logged: string[] = [];
    await ensureWorkerEnvironment({ log: (line) => logged.push(line) });
    expect(logged).toEqual([]);
  });

  it('says Python is needed, and how to point at one, when the interpreter cannot run', async () => {
    process.env.PYGBOX_PYTHON = '/nonexistent/python3';
    const error = await pygboxRejection(
      ensureWorkerEnvironment({ paths: workerPaths(fakeRoot('no-python')), log: () => undefined }),
    );
    expect(error.code).toBe('worker-failed');
    expect(error.message).toContain("'/nonexistent/python3' cannot be run");
    expect(error.hint).toContain('PYGBOX_PYTHON');
  });
});
