import { readFile } from 'node:fs/promises';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

const KEY = /^[0-9a-f]{32}$/;

/**
 * The `--exclude` file: chat keys to keep out of the dataset, one a line (the `key` of a chat in
 * chats.jsonl or the export zip, also printed in preview.txt). Blank lines and `#` comments are
 * allowed; anything else is an error naming the line, because a mistyped key would silently let a
 * chat the user excluded into the training data.
 */
export async function readExclusions(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PygboxError('input-unreadable', 'cannot read the exclusion file', {
      place: { file },
      hint: 'give a text file with one chat key (32 hex digits) a line',
      cause,
    });
  }
  const keys = new Set<string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/u, '').trim();
    if (line === '') continue;
    if (!KEY.test(line)) {
      throw new PygboxError('usage', 'this line is not a chat key', {
        place: { file, line: index + 1 },
        hint: 'a chat key is the 32 lower-case hex digits of a chat\'s "key" in chats.jsonl',
      });
    }
    keys.add(line);
  }
  return keys;
}
