import { type AnonChat, anonChatSchema } from '../chat/anon-chat.ts';
import { formatIssuePath } from '../errors/zod-issue-path.ts';
import { CHATS_PATH } from './export-paths.ts';
import { HINT_NOT_PYGBOX_ZIP, zipInvalid } from './zip-invalid-error.ts';

/** One AnonChat per line, `\n` separated, with a trailing newline (empty export: empty file). */
export function serializeAnonChats(chats: readonly AnonChat[]): string {
  let text = '';
  for (const chat of chats) text += `${JSON.stringify(chat)}\n`;
  return text;
}

/**
 * Parses `chats.jsonl`, each line against the strict AnonChat schema. A bad line is named by its
 * 1-based number and field path; its text is never quoted (it may hold what the audit was for).
 */
export function parseChatsJsonl(text: string): AnonChat[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) {
    throw zipInvalid(CHATS_PATH, 'does not end with a newline (truncated?)', HINT_NOT_PYGBOX_ZIP);
  }
  const lines = text.slice(0, -1).split('\n');
  const chats: AnonChat[] = [];
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw lineError(lineNumber, 'is not JSON');
    }
    const parsed = anonChatSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue === undefined ? undefined : formatIssuePath(issue.path);
      throw lineError(lineNumber, `is not an anonymized chat (${issue?.code ?? 'invalid'})`, field);
    }
    chats.push(parsed.data);
  });
  return chats;
}

function lineError(line: number, problem: string, field?: string) {
  return zipInvalid(
    CHATS_PATH,
    `line ${line} ${problem}${field === undefined || field === '' ? '' : ` at ${field}`}`,
    'The chats file was changed after export or written by another tool; export again from Pygbox.',
    field === undefined || field === '' ? { line } : { line, field },
  );
}
