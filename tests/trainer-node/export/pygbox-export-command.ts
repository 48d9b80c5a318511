import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

/** How a test runs `pygbox export ...`: the real bin, as a user would. */
export function pygboxExportCommand(): string[] {
  return [resolve(ROOT, 'trainer-node/bin/pygbox.js'), 'export'];
}

export interface CommandOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export function runPygboxExport(args: readonly string[], timeoutMs = 600_000): Promise<CommandOutcome> {
  return new Promise((resolveOutcome) => {
    execFile(
      process.execPath,
      [...pygboxExportCommand(), ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolveOutcome({ code, stdout, stderr });
      },
    );
  });
}
