import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/**
 * Writes next to the target and renames over it, so a crash or a full disk never leaves a
 * half-written file where a good one used to be.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw new PygboxError(
      'output-failed',
      'could not write this file; the previous version, if any, is untouched',
      {
        place: { file: path },
        hint: 'check that the folder is writable and the disk has room',
        cause,
      },
    );
  }
}
