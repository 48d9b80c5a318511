import type { Chat } from '../../../shared/chat/chat.ts';
import type { SourceKind } from '../episode.ts';

/**
 * A chat read from a source that Pygbox did not anonymize (captures, dumper files, PIPPA lines,
 * SillyTavern chats), in the canonical form the anonymizer takes. PIPPA and SillyTavern chats reuse
 * the canonical schema's `dumper` source, the closest kind it knows; `kind` keeps the real one.
 */
export interface SourceChat {
  kind: SourceKind;
  chat: Chat;
}

/** A problem with an input: the file, the line when there is one, and what is wrong (never the text). */
export interface SkippedInput {
  file: string;
  line?: number;
  message: string;
}

export function describeSkipped(skip: SkippedInput): string {
  return `${skip.line === undefined ? skip.file : `${skip.file}:${skip.line}`}: ${skip.message}`;
}
