import { PygboxError } from '../errors/pygbox-error.ts';

/**
 * The one way the zip reader fails. The message names the entry and the problem; entry names in a
 * pygbox export are numbered, never derived from user content, and a hostile name is shown escaped.
 */
export function zipInvalid(
  entry: string,
  problem: string,
  hint: string,
  at: { field?: string; line?: number } = {},
): PygboxError {
  return new PygboxError('zip-invalid', `${displayEntryName(entry)}: ${problem}`, {
    hint,
    place: { file: entry, ...at },
  });
}

/** Names made only of safe characters print as they are; anything else prints JSON-escaped. */
export function displayEntryName(name: string): string {
  return /^[\w./-]+$/.test(name) ? name : JSON.stringify(name);
}

export const HINT_NOT_PYGBOX_ZIP =
  'Choose the zip that Pygbox exported, unchanged; if it was downloaded or copied, do it again.';
export const HINT_HOSTILE_ZIP =
  'This zip was not written by Pygbox or was altered; do not extract it by hand. Export again from Pygbox.';
