/**
 * Entry names inside a pygbox export. Compat files are numbered, never named after a character or
 * a chat, so a file name cannot leak what the anonymizer removed from the contents.
 */
export const MANIFEST_PATH = 'manifest.json';
export const CHATS_PATH = 'chats.jsonl';
/** The browser chat's anonymized preference records (format version 2 only). */
export const PREFERENCES_PATH = 'preferences.jsonl';

export const DUMPER_DIR = 'compat/dumper/';
export const SILLYTAVERN_DIR = 'compat/sillytavern/';

/** 1-based, zero-padded to four digits so listings sort in order (wider past 9999). */
export function dumperCharacterPath(index: number): string {
  return `${DUMPER_DIR}character-${String(index).padStart(4, '0')}.json`;
}

export function sillyTavernChatPath(index: number): string {
  return `${SILLYTAVERN_DIR}chat-${String(index).padStart(4, '0')}.jsonl`;
}

export const DUMPER_PATH_PATTERN = /^compat\/dumper\/character-\d{4,}\.json$/;
export const SILLYTAVERN_PATH_PATTERN = /^compat\/sillytavern\/chat-\d{4,}\.jsonl$/;
