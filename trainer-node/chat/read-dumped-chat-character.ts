import { extname } from 'node:path';
import type { AnonChat } from '../../shared/chat/anon-chat.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { anonymizeForExport } from '../../shared/export/anonymize-for-export.ts';
import { episodeFromAnonChat } from '../dataset/sources/episode-from-anon-chat.ts';
import { readCaptureInputs } from '../dataset/sources/read-capture-inputs.ts';
import { readPygboxZip } from '../dataset/sources/read-pygbox-zip.ts';
import type { ChatCharacter } from './chat-character.ts';

/**
 * The character of a dumped chat: a Pygbox export zip, or a capture / original dumper file. Chats
 * are read as the dataset reads them and, for captures, anonymized by the same road, so the model
 * meets the character as it was trained on it (the user as `You`, the persona from the
 * description). The greeting is the chat's first character message; `index` picks the chat when
 * the file holds several.
 */
export async function readDumpedChatCharacter(file: string, index: number): Promise<ChatCharacter> {
  const chats = await readChats(file);
  const chat = chats[index];
  if (chat === undefined) {
    throw new PygboxError('usage', `there is no chat ${index} in this file (it holds ${chats.length})`, {
      place: { file, field: 'chat-index' },
      hint: chats.length === 0 ? 'give a file that holds chats' : `use --chat-index 0 to ${chats.length - 1}`,
    });
  }
  const episode = episodeFromAnonChat(chat, 'pygbox-zip');
  const greeting = chat.messages.find((message) => message.role === 'char')?.text.trim();
  return {
    character: episode.character,
    ...(greeting === undefined || greeting === '' ? {} : { greeting }),
    source: `chat ${index} of ${file}`,
  };
}

async function readChats(file: string): Promise<readonly AnonChat[]> {
  if (extname(file).toLowerCase() === '.zip') {
    const read = await readPygboxZip(file);
    if ('message' in read) {
      throw new PygboxError('input-unreadable', read.message, {
        place: { file },
        hint: 'give a zip written by the Pygbox export, or a capture file',
      });
    }
    return read;
  }
  const read = await readCaptureInputs([file]);
  if (read.chats.length === 0) {
    const problem = read.skipped[0];
    throw new PygboxError('input-unreadable', problem?.message ?? 'this file holds no chats', {
      place: { file, ...(problem?.line === undefined ? {} : { line: problem.line }) },
      hint: 'give a Pygbox export zip, a capture file (.jsonl) or an original dumper file (.json)',
    });
  }
  return anonymizeForExport(
    read.chats.map((source) => source.chat),
    { accountIdentities: read.identities },
  ).audited.chats;
}
