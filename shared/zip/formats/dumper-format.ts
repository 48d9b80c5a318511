import type { AnonChat } from '../../chat/anon-chat.ts';
import type { CharacterGroup } from '../character-groups.ts';

/**
 * The original Pygmalion characterai-dumper shape, one file per character with all its chats:
 * `{info:{character}, histories:{histories:[{msgs}]}}`. SillyTavern (`importCAIChat`) and the
 * Pygmalion data-toolbox read it. Speakers are `You` and the character name, never a real name;
 * roles come from `is_human`. Swipes follow their message as `is_alternative: true`, as in the
 * legacy site data, so importers that filter alternatives keep the chosen reply.
 */

export interface DumperMessage {
  text: string;
  is_alternative: boolean;
  src: { is_human: boolean; name: string };
}

export interface DumperExport {
  info: {
    character: { name: string; title: string; description: string; greeting: string; definition: string };
  };
  histories: { histories: { msgs: DumperMessage[] }[] };
}

/** The name the user speaks under in every compat format. */
export const COMPAT_USER_NAME = 'You';

export function toDumperExport(group: CharacterGroup): DumperExport {
  const { character } = group;
  return {
    // Absent fields become '' because readers of this format expect every field to be a string.
    info: {
      character: {
        name: character.name,
        title: character.title ?? '',
        description: character.description ?? '',
        greeting: character.greeting ?? '',
        definition: character.definition ?? '',
      },
    },
    histories: { histories: group.chats.map((chat) => ({ msgs: dumperMessages(chat) })) },
  };
}

function dumperMessages(chat: AnonChat): DumperMessage[] {
  const msgs: DumperMessage[] = [];
  for (const message of chat.messages) {
    const isHuman = message.role === 'user';
    const src = { is_human: isHuman, name: isHuman ? COMPAT_USER_NAME : chat.character.name };
    msgs.push({ text: message.text, is_alternative: false, src });
    for (const swipe of message.swipes) msgs.push({ text: swipe, is_alternative: true, src: { ...src } });
  }
  return msgs;
}

/**
 * Compact JSON with a trailing newline. Not pretty-printed: indentation more than doubled the
 * size and the write time of a large export, and no reader of this format needs it.
 */
export function encodeDumperExport(group: CharacterGroup): string {
  return `${JSON.stringify(toDumperExport(group))}\n`;
}
