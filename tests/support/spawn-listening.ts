import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ListeningChild {
  child: ChildProcess;
  /** The address the process printed in its `listening on <url>` line. */
  url: string;
  /** Everything it printed so far, for a test to read or a failure to show. */
  output(): string;
}

/**
 * Starts a Node script of the repository (e.g. `trainer-node/bin/pygbox.js serve --port 0 …`) as a
 * child process, as a user would, and resolves once it prints `listening on <url>`: with port 0
 * the address is only known then. A process that exits first rejects with what it printed.
 */
export async function spawnListening(args: readonly string[]): Promise<ListeningChild> {
  const child = spawn(process.execPath, [...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolveUrl(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited with ${code} before listening:\n${output}`)),
    );
  });
  return { child, url, output: () => output };
}
