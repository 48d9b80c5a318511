import { z } from 'zod';
import type { Chat, Message } from '../../../shared/chat/chat.ts';
import { readJsonLines } from './json-lines.ts';
import type { SkippedInput, SourceChat } from './source-chat.ts';
import { describeZodProblem } from './zod-problem.ts';

/**
 * PIPPA-style JSON lines (the Pygmalion team's released dataset): one chat a line,
 * `{bot_name, bot_definitions, bot_description?, bot_greeting, conversation[{message, is_human}]}`.
 * Roles come from `is_human`. PIPPA's own redaction tokens (`[NAME_IN_MESSAGE_REDACTED]`) become
 * `{{user}}` in the anonymizer. The persona is the description, or the definitions when there is
 * none (PIPPA leaves the description empty for many bots).
 */
const optionalText = z
  .string()
  .nullish()
  .transform((text) => text ?? undefined);

export const pippaLineSchema = z.looseObject({
  bot_name: z.string().trim().min(1),
  bot_definitions: optionalText,
  bot_description: optionalText,
  bot_greeting: optionalText,
  conversation: z.array(z.looseObject({ message: z.string(), is_human: z.boolean() })),
});

export function isPippaLine(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'bot_name' in value && 'conversation' in value;
}

export async function readPippaFile(
  file: string,
  onChat: (chat: SourceChat) => void,
  skipped: SkippedInput[],
): Promise<void> {
  for await (const entry of readJsonLines(file)) {
    if ('problem' in entry) {
      skipped.push({ file, line: entry.line, message: entry.problem });
      continue;
    }
    const parsed = pippaLineSchema.safeParse(entry.value);
    if (!parsed.success) {
      skipped.push({ file, line: entry.line, message: describeZodProblem('a PIPPA chat', parsed.error) });
      continue;
    }
    const line = parsed.data;
    const persona = [line.bot_description, line.bot_definitions].find(
      (text) => text !== undefined && text.trim() !== '',
    );
    const messages: Message[] = line.conversation.map((turn, index) => ({
      id: String(index),
      role: turn.is_human ? 'user' : 'char',
      text: turn.message,
      swipes: [],
      sequence: index,
    }));
    const chat: Chat = {
      chatId: `pippa:${file}:${entry.line}`,
      source: 'dumper',
      character: {
        name: line.bot_name,
        ...(persona === undefined ? {} : { description: persona }),
        ...(line.bot_greeting === undefined ? {} : { greeting: line.bot_greeting }),
      },
      messages,
      identities: [],
    };
    onChat({ kind: 'pippa', chat });
  }
}
