import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('the pygbox bin', () => {
  it('runs through npx from the package, as the README says', async () => {
    const { stdout } = await run('npx', ['--no-install', 'pygbox', '--help'], { cwd: ROOT });
    expect(stdout).toContain('Usage: pygbox');
    expect(stdout).toMatch(/import \[options\] <inputs\.\.\.>/);
  });

  it('reports the package version', async () => {
    const pkg = z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')));
    const { stdout } = await run(process.execPath, [
      resolve(ROOT, 'trainer-node/bin/pygbox.js'),
      '--version',
    ]);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('refuses an unknown command with a non-zero status and the help', async () => {
    const failure = await run(process.execPath, [
      resolve(ROOT, 'trainer-node/bin/pygbox.js'),
      'frobnicate',
    ]).then(
      () => undefined,
      (error: unknown) => error,
    );
    const parsed = z.object({ code: z.number(), stderr: z.string() }).parse(failure);
    expect(parsed.code).not.toBe(0);
    expect(parsed.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
