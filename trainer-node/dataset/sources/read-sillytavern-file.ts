import { z } from 'zod';
import type { Chat, Identity, Message } from '../../../shared/chat/chat.ts';
import { readJsonLines } from './json-lines.ts';
import type { SkippedInput, SourceChat } from './source-chat.ts';
import { describeZodProblem } from './zod-problem.ts';

/**
 * A SillyTavern chat `.jsonl`: a header line `{user_name, character_name, create_date, …}`, then one
 * line per message `{name, is_user, mes, is_system?, swipes?, …}`. Roles come from `is_user`.
 * The user's names (`user_name`, the `name` of user lines) are identities, so the anonymizer turns
 * them into `{{user}}` in every text; names that are only SillyTavern's stand-ins (`You`, `User`)
 * are not, or every "you" would become `{{user}}`. System lines (narration, notes) are not dialogue
 * and are left out.
 */
export const sillyTavernHeaderSchema = z.looseObject({
  user_name: z.string(),
  character_name: z.string().trim().min(1),
});

const sillyTavernMessageSchema = z.looseObject({
  name: z.string().optional(),
  is_user: z.boolean(),
  is_system: z.boolean().optional(),
  mes: z.string(),
});

const STAND_IN_USER_NAMES = new Set(['you', 'user', '{{user}}']);

export function isSillyTavernHeader(value: unknown): boolean {
  return sillyTavernHeaderSchema.safeParse(value).success && !isMessageLine(value);
}

function isMessageLine(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'mes' in value;
}

export async function readSillyTavernFile(
  file: string,
  onChat: (chat: SourceChat) => void,
  skipped: SkippedInput[],
): Promise<void> {
  let characterName: string | undefined;
  const identities: Identity[] = [];
  const messages: Message[] = [];
  const addIdentity = (name: string | undefined) => {
    const value = name?.trim() ?? '';
    if (value !== '' && !STAND_IN_USER_NAMES.has(value.toLowerCase())) {
      identities.push({ kind: 'display-name', value });
    }
  };
  for await (const entry of readJsonLines(file)) {
    if ('problem' in entry) {
      skipped.push({ file, line: entry.line, message: entry.problem });
      continue;
    }
    if (characterName === undefined) {
      const header = sillyTavernHeaderSchema.safeParse(entry.value);
      if (!header.success || isMessageLine(entry.value)) {
        skipped.push({
          file,
          line: entry.line,
          message: 'not a SillyTavern chat: the first line must be the header {user_name, character_name}',
        });
        return;
      }
      characterName = header.data.character_name;
      addIdentity(header.data.user_name);
      continue;
    }
    const parsed = sillyTavernMessageSchema.safeParse(entry.value);
    if (!parsed.success) {
      skipped.push({
        file,
        line: entry.line,
        message: describeZodProblem('a SillyTavern message', parsed.error),
      });
      continue;
    }
    if (parsed.data.is_system === true) continue;
    if (parsed.data.is_user) addIdentity(parsed.data.name);
    messages.push({
      id: String(entry.line),
      role: parsed.data.is_user ? 'user' : 'char',
      text: parsed.data.mes,
      swipes: [],
      sequence: messages.length,
    });
  }
  if (characterName === undefined) {
    skipped.push({ file, message: 'the file is empty' });
    return;
  }
  const chat: Chat = {
    chatId: `sillytavern:${file}`,
    source: 'dumper',
    character: { name: characterName },
    messages,
    identities,
  };
  onChat({ kind: 'sillytavern', chat });
}
