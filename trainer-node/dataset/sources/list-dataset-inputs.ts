import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { readJsonLines } from './json-lines.ts';
import { isCharacterCardJson } from './read-character-card.ts';
import { isPippaLine } from './read-pippa-file.ts';
import { isSillyTavernHeader } from './read-sillytavern-file.ts';

/** What an input file holds, decided from its extension and its first line. */
export type InputKind = 'pygbox-zip' | 'card-png' | 'card-json' | 'pippa' | 'sillytavern' | 'captures';

export interface DatasetInput {
  file: string;
  kind: InputKind;
}

const INPUT_EXTENSIONS = new Set(['.jsonl', '.json', '.ndjson', '.zip', '.png']);

/**
 * Expands the paths the user named (folders to the inputs inside them, not recursive, sorted so
 * runs repeat) and tells each file's kind: zips are Pygbox exports, PNGs are cards, JSON lines are
 * PIPPA chats, SillyTavern chats or capture records by their first line, and a whole JSON object is
 * a card or else a capture or dumper file (which the import reader sorts out). A missing path is an
 * error that names it.
 */
export async function listDatasetInputs(paths: readonly string[]): Promise<DatasetInput[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((cause: unknown) => {
      throw new PygboxError('input-unreadable', 'cannot read this input', {
        place: { file: path },
        hint: 'check the path; give export zips, capture or dumper files, PIPPA or SillyTavern .jsonl, cards, or folders holding them',
        cause,
      });
    });
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((name) => INPUT_EXTENSIONS.has(extname(name).toLowerCase()));
      files.push(...names.sort().map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  const inputs: DatasetInput[] = [];
  for (const file of files) inputs.push({ file, kind: await classifyInput(file) });
  return inputs;
}

async function classifyInput(file: string): Promise<InputKind> {
  const extension = extname(file).toLowerCase();
  if (extension === '.zip') return 'pygbox-zip';
  if (extension === '.png') return 'card-png';
  const first = await firstJsonLine(file);
  if (first !== undefined) {
    if (isPippaLine(first)) return 'pippa';
    if (isSillyTavernHeader(first)) return 'sillytavern';
    if (isCharacterCardJson(first)) return 'card-json';
    return 'captures';
  }
  // Not JSON by its first line: an object printed over several lines (a card or a dumper file).
  if (extension === '.json') {
    try {
      if (isCharacterCardJson(JSON.parse(await readFile(file, 'utf8')))) return 'card-json';
    } catch {
      // Unreadable JSON: the capture reader reports it with its line.
    }
  }
  return 'captures';
}

async function firstJsonLine(file: string): Promise<unknown> {
  try {
    for await (const entry of readJsonLines(file)) return 'value' in entry ? entry.value : undefined;
  } catch {
    // An unreadable file is reported by the reader of its kind.
  }
  return undefined;
}
