import { createCaptureAdapter } from '../../../shared/cai/capture-adapter.ts';
import { adaptDumperFile } from '../../../shared/cai/dumper-file.ts';
import type { Character, Chat, Identity } from '../../../shared/chat/chat.ts';
import { combineChats } from '../../../shared/chat/combine-chats.ts';
import { readInputs } from '../../import/read-inputs.ts';
import type { SkippedInput, SourceChat } from './source-chat.ts';

export interface CaptureInputs {
  chats: SourceChat[];
  /** Account-level identities (user info, personas) the anonymizer must also replace. */
  identities: Identity[];
  records: number;
  /** How many of the files were original dumper files (the rest hold capture records). */
  dumperFiles: number;
  skipped: SkippedInput[];
}

/**
 * Capture files and original dumper files, read exactly as `pygbox import` reads them: records
 * streamed into the capture adapter, dumper files adapted whole, pages of one chat merged across
 * files, character info applied. Records that held no chat data (error pages, unknown endpoints)
 * and unreadable lines are skipped and named.
 */
export async function readCaptureInputs(files: readonly string[]): Promise<CaptureInputs> {
  const adapter = createCaptureAdapter();
  const origins: { file: string; line?: number }[] = [];
  const read = await readInputs(files, (located) => {
    adapter.add(located.record);
    origins.push(
      located.line === undefined ? { file: located.file } : { file: located.file, line: located.line },
    );
  });
  const skipped: SkippedInput[] = read.unreadable.map((problem) => ({ ...problem }));
  const fromCaptures = adapter.finish();
  for (const problem of fromCaptures.problems) {
    const origin = origins[problem.recordIndex];
    skipped.push({
      file: origin?.file ?? problem.endpoint,
      ...(origin?.line === undefined ? {} : { line: origin.line }),
      message: `${problem.kind}: ${problem.message}`,
    });
  }
  const chats: Chat[] = [...fromCaptures.chats];
  const characters: Character[] = [...fromCaptures.characters];
  const identities: Identity[] = [...fromCaptures.identities];
  const dumperChatIds = new Set<string>();
  for (const dumper of read.dumpers) {
    const adapted = adaptDumperFile(dumper.json);
    for (const chat of adapted.chats) dumperChatIds.add(chat.chatId);
    chats.push(...adapted.chats);
    characters.push(...adapted.characters);
    identities.push(...adapted.identities);
    for (const problem of adapted.problems) skipped.push({ file: dumper.file, message: problem.message });
  }
  const combined = combineChats(chats, characters).map(
    (chat): SourceChat => ({ kind: dumperChatIds.has(chat.chatId) ? 'dumper' : 'capture', chat }),
  );
  return { chats: combined, identities, records: read.records, dumperFiles: read.dumpers.length, skipped };
}
