import { readFile } from 'node:fs/promises';
import type { AnonChat } from '../../shared/chat/anon-chat.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { AnonPreference } from '../../shared/local-chat/anon-preference.ts';
import { readExportZip } from '../../shared/zip/read-export-zip.ts';
import { nodeZipCodec } from '../io/node-zip-codec.ts';

export interface ExportZipInputs {
  files: number;
  /** Already anonymized by the Pygbox that wrote each zip; audited again by the import. */
  chats: AnonChat[];
  preferences: AnonPreference[];
}

/** Whether an input path names an export zip (by its extension) rather than a capture file. */
export function isZipInput(file: string): boolean {
  return file.toLowerCase().endsWith('.zip');
}

/**
 * Reads Pygbox export zips (the extension's or userscript's export, another import's `--zip`) with
 * every check of `readExportZip`. A zip that fails them stops the import: half a zip is never used.
 */
export async function readExportZips(files: readonly string[]): Promise<ExportZipInputs> {
  const inputs: ExportZipInputs = { files: files.length, chats: [], preferences: [] };
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch (cause) {
      throw new PygboxError('input-unreadable', 'cannot read this export zip', {
        place: { file },
        hint: 'check the path',
        cause,
      });
    }
    try {
      const contents = await readExportZip(bytes, undefined, nodeZipCodec);
      inputs.chats.push(...contents.chats);
      inputs.preferences.push(...contents.preferences);
    } catch (error) {
      if (error instanceof PygboxError) {
        throw new PygboxError(error.code, error.message, {
          place: { ...error.place, file: `${file}: ${error.place.file ?? ''}` },
          ...(error.hint === undefined ? {} : { hint: error.hint }),
          cause: error,
        });
      }
      throw error;
    }
  }
  return inputs;
}
