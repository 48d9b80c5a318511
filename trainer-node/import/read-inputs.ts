import { readFile } from 'node:fs/promises';
import {
  type InputProblem,
  type LocatedRecord,
  parseInputFile,
} from '../../shared/capture/parse-capture-file.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

export interface DumperInput {
  file: string;
  json: unknown;
}

export interface ReadInputs {
  files: number;
  records: LocatedRecord[];
  dumpers: DumperInput[];
  /** Lines or files that could not be read at all. */
  unreadable: InputProblem[];
}

/** Reads every input file; a file or line that cannot be read is noted and the rest goes on. */
export async function readInputs(files: readonly string[]): Promise<ReadInputs> {
  const result: ReadInputs = { files: files.length, records: [], dumpers: [], unreadable: [] };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      const reason = cause instanceof Error && 'code' in cause ? String(cause.code) : 'read failed';
      result.unreadable.push({ file, message: `cannot read the file (${reason})` });
      continue;
    }
    const parsed = parseInputFile(text, file);
    result.unreadable.push(...parsed.problems);
    if (parsed.kind === 'captures') result.records.push(...parsed.records);
    else result.dumpers.push({ file, json: parsed.json });
  }
  return result;
}

export function assertSomethingToRead(inputs: ReadInputs): void {
  if (inputs.records.length === 0 && inputs.dumpers.length === 0 && inputs.unreadable.length === 0) {
    throw new PygboxError('input-unreadable', 'no capture records or dumper files in the inputs', {
      hint: 'pass capture files (.jsonl/.json) written by the Pygbox userscript or extension, or old dumper files',
    });
  }
}
