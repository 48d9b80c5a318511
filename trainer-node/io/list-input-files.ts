import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

const INPUT_EXTENSIONS = ['.jsonl', '.json', '.ndjson'];

/**
 * Expands the paths the user named: files as given, folders to the capture and dump files inside
 * them (not recursive, sorted so runs are repeatable). A path that does not exist is an error that
 * names it.
 */
export async function listInputFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((cause: unknown) => {
      throw new PygboxError('input-unreadable', 'cannot read this input', {
        place: { file: path },
        hint: 'check the path; give capture files (.jsonl/.json) or a folder holding them',
        cause,
      });
    });
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((name) =>
        INPUT_EXTENSIONS.some((ext) => name.endsWith(ext)),
      );
      files.push(...names.sort().map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return files;
}
