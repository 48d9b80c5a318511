import { formatIssuePath } from '../errors/zod-issue-path.ts';
import { type AnonPreference, anonPreferenceSchema } from '../local-chat/anon-preference.ts';
import { PREFERENCES_PATH } from './export-paths.ts';
import { HINT_NOT_PYGBOX_ZIP, zipInvalid } from './zip-invalid-error.ts';

/** One anonymized preference record per line, `\n` separated, with a trailing newline. */
export function serializeAnonPreferences(records: readonly AnonPreference[]): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}

/**
 * Parses `preferences.jsonl`, each line against the strict schema. A bad line is named by its
 * 1-based number and field path; its text is never quoted.
 */
export function parsePreferencesJsonl(text: string): AnonPreference[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) {
    throw zipInvalid(PREFERENCES_PATH, 'does not end with a newline (truncated?)', HINT_NOT_PYGBOX_ZIP);
  }
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw lineError(index + 1, 'is not JSON');
      }
      const parsed = anonPreferenceSchema.safeParse(value);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const field = issue === undefined ? undefined : formatIssuePath(issue.path);
      throw lineError(
        index + 1,
        `is not an anonymized preference record (${issue?.code ?? 'invalid'})`,
        field,
      );
    });
}

function lineError(line: number, problem: string, field?: string) {
  return zipInvalid(
    PREFERENCES_PATH,
    `line ${line} ${problem}${field === undefined || field === '' ? '' : ` at ${field}`}`,
    'The preferences file was changed after export or written by another tool; export again from Pygbox.',
    field === undefined || field === '' ? { line } : { line, field },
  );
}
