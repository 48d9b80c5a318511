import { readFile } from 'node:fs/promises';
import type { AnonChat } from '../../../shared/chat/anon-chat.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { nodeZipCodec } from '../../io/node-zip-codec.ts';
import type { SkippedInput } from './source-chat.ts';

/**
 * A Pygbox export zip: its chats are already anonymized and audited. The reader checks the
 * manifest and every checksum first; a zip that fails is skipped whole, with the reason.
 */
export async function readPygboxZip(file: string): Promise<AnonChat[] | SkippedInput> {
  try {
    // zlib inflates several times faster than the portable codec, with the same bounds.
    return (await readExportZip(new Uint8Array(await readFile(file)), undefined, nodeZipCodec)).chats;
  } catch (error) {
    if (error instanceof PygboxError) {
      const where = error.place.file === undefined ? '' : `${error.place.file}: `;
      return { file, message: `not a valid Pygbox export zip: ${where}${error.message}` };
    }
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'read failed';
    return { file, message: `cannot read the file (${reason})` };
  }
}
