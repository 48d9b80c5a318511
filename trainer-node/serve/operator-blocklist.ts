import { readFile } from 'node:fs/promises';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { BLOCKLIST_ENV } from './serve-config.ts';

/**
 * The operator's blocklist: names that must never be stored or published (a contributor's name
 * reported after a leak, say). From the environment (`PYGBOX_BLOCKLIST`, separated by commas or
 * new lines) and from a file of one name a line (`#` starts a comment). Never logged: it is
 * itself a list of identities.
 */
export async function readOperatorBlocklist(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const names = splitNames(env[BLOCKLIST_ENV] ?? '', /[,\n]/);
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch((cause: unknown) => {
      throw new PygboxError('input-unreadable', 'cannot read the blocklist file', {
        place: { file },
        hint: 'give a text file with one name a line',
        cause,
      });
    });
    names.push(...splitNames(text.replace(/#.*$/gm, ''), /\n/));
  }
  return [...new Set(names)];
}

function splitNames(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
