import type { AnonChat } from '../../chat/anon-chat.ts';
import { COMPAT_USER_NAME } from './dumper-format.ts';

/**
 * SillyTavern chat `.jsonl`, one file per chat: a header line `{user_name, character_name,
 * create_date}`, then one line per message `{name, is_user, is_name, send_date, mes}`. A message
 * with swipes carries `swipes` (the chosen text first, then the alternatives) and `swipe_id: 0`,
 * which is how SillyTavern stores them. Dates are days only, like everything that leaves the
 * machine; where the chat has none, the export day stands in, since SillyTavern wants a date.
 */

export interface SillyTavernHeader {
  user_name: string;
  character_name: string;
  create_date: string;
}

export interface SillyTavernMessage {
  name: string;
  is_user: boolean;
  is_name: true;
  send_date: string;
  mes: string;
  swipes?: string[];
  swipe_id?: number;
}

export function toSillyTavernLines(
  chat: AnonChat,
  fallbackDay: string,
): [SillyTavernHeader, ...SillyTavernMessage[]] {
  const chatDay = chat.day ?? chat.messages.find((message) => message.day !== undefined)?.day ?? fallbackDay;
  const header: SillyTavernHeader = {
    user_name: COMPAT_USER_NAME,
    character_name: chat.character.name,
    create_date: chatDay,
  };
  const messages = chat.messages.map((message): SillyTavernMessage => {
    const isUser = message.role === 'user';
    const line: SillyTavernMessage = {
      name: isUser ? COMPAT_USER_NAME : chat.character.name,
      is_user: isUser,
      is_name: true,
      send_date: message.day ?? chatDay,
      mes: message.text,
    };
    if (message.swipes.length > 0) {
      line.swipes = [message.text, ...message.swipes];
      line.swipe_id = 0;
    }
    return line;
  });
  return [header, ...messages];
}

export function encodeSillyTavernChat(chat: AnonChat, fallbackDay: string): string {
  let text = '';
  for (const line of toSillyTavernLines(chat, fallbackDay)) text += `${JSON.stringify(line)}\n`;
  return text;
}
