import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The temporary folder a build writes into before renaming it to `out`: a hidden sibling named
 * after `out` and the building process, so a later build can tell a dead build's leftovers from a
 * build still running.
 */
export function buildFolderName(out: string, suffix: string): string {
  return join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${suffix}`);
}

/**
 * Removes what builds of `out` that were killed mid-write (SIGKILL, power loss: no `finally` ran)
 * left behind. Such a folder holds shards of a dataset that never appeared, gigabytes each time,
 * in a hidden folder nobody would look for. A folder whose process is still alive is left alone.
 * Returns how many were removed.
 */
export async function removeStaleBuildFolders(out: string): Promise<number> {
  const parent = dirname(out);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(out))}\\.tmp-(\\d+)-[0-9a-f]+$`, 'u');
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return 0; // No parent folder yet: nothing was left there.
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(pid) || isAlive(pid)) continue;
    await rm(join(parent, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
