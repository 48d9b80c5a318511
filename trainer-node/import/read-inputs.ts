import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  type InputProblem,
  isDumperFile,
  type LocatedRecord,
  parseCaptureLine,
  parseInputFile,
} from '../../shared/capture/parse-capture-file.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

export interface DumperInput {
  file: string;
  json: unknown;
}

export interface ReadInputs {
  files: number;
  records: number;
  dumpers: DumperInput[];
  /** Lines or files that could not be read at all. */
  unreadable: InputProblem[];
}

/**
 * Reads every input file and hands each capture record to `onRecord` as soon as it is parsed, so
 * a capture file of hundreds of megabytes is never held whole: JSON-lines files are streamed a line
 * at a time. JSON arrays and old dumper files (pretty-printed objects) are read whole. A file or
 * line that cannot be read is noted and the rest goes on.
 */
export async function readInputs(
  files: readonly string[],
  onRecord: (located: LocatedRecord) => void,
): Promise<ReadInputs> {
  const result: ReadInputs = { files: files.length, records: 0, dumpers: [], unreadable: [] };
  const accept = (located: LocatedRecord) => {
    result.records += 1;
    onRecord(located);
  };
  for (const file of files) {
    try {
      const streamed = await streamJsonLines(file, accept, result.unreadable);
      if (streamed === 'not-json-lines') readWhole(file, await readFile(file, 'utf8'), result, accept);
      else if (streamed.dumper !== undefined) result.dumpers.push({ file, json: streamed.dumper });
    } catch (cause) {
      const reason = cause instanceof Error && 'code' in cause ? String(cause.code) : 'read failed';
      result.unreadable.push({ file, message: `cannot read the file (${reason})` });
    }
  }
  return result;
}

/**
 * Streams a JSON-lines file. Gives up before emitting anything when the file starts like a JSON
 * array, or when its first line is not JSON by itself while the file starts with `{` (an object
 * printed over several lines): those are read whole.
 */
async function streamJsonLines(
  file: string,
  accept: (located: LocatedRecord) => void,
  unreadable: InputProblem[],
): Promise<'not-json-lines' | { dumper?: unknown }> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  let sawContent = false;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const parsed = parseCaptureLine(line, file, lineNumber);
      if (parsed === undefined) continue;
      if (!sawContent) {
        sawContent = true;
        const start = line.replace(/^\uFEFF/, '').trimStart();
        if (start.startsWith('[')) return 'not-json-lines';
        if (!('record' in parsed)) {
          const whole = tryJson(line);
          if (whole === undefined && start.startsWith('{')) return 'not-json-lines';
          if (isDumperFile(whole)) return { dumper: whole };
        }
      }
      if ('record' in parsed) accept(parsed);
      else unreadable.push(parsed);
    }
  } finally {
    lines.close();
  }
  if (!sawContent) unreadable.push({ file, message: 'the file is empty' });
  return {};
}

function readWhole(
  file: string,
  text: string,
  result: ReadInputs,
  accept: (located: LocatedRecord) => void,
): void {
  const parsed = parseInputFile(text, file);
  result.unreadable.push(...parsed.problems);
  if (parsed.kind === 'captures') for (const located of parsed.records) accept(located);
  else result.dumpers.push({ file, json: parsed.json });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function assertSomethingToRead(inputs: ReadInputs): void {
  if (inputs.records === 0 && inputs.dumpers.length === 0 && inputs.unreadable.length === 0) {
    throw new PygboxError('input-unreadable', 'no capture records or dumper files in the inputs', {
      hint: 'pass capture files (.jsonl/.json) written by the Pygbox userscript or extension, or old dumper files',
    });
  }
}
