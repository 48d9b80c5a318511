import type { z } from 'zod';
import { formatIssuePath } from '../errors/zod-issue-path.ts';
import { type CaptureRecord, captureRecordSchema } from './capture-record.ts';

/**
 * Reads the text of one input file: a capture file (JSON lines of capture records, or a JSON array
 * of them) or a file the original Pygmalion dumper wrote (`{info, histories}`, or its definitions
 * file `{character}`). Bad lines are reported by line number and skipped; nothing here ever quotes
 * the file's content, because content identifies people.
 */

export interface InputProblem {
  file: string;
  /** 1-based line, when the problem has one. */
  line?: number;
  message: string;
}

/** A record with where it came from, so later problems (a `neo_error` body, say) can name the line. */
export interface LocatedRecord {
  record: CaptureRecord;
  file: string;
  /** 1-based line in a JSON-lines file. */
  line?: number;
  /** Element index in a JSON-array file. */
  element?: number;
}

export type ParsedInputFile =
  | { kind: 'captures'; records: LocatedRecord[]; problems: InputProblem[] }
  | { kind: 'dumper'; json: unknown; problems: InputProblem[] };

export function parseInputFile(text: string, file: string): ParsedInputFile {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed === '') {
    return { kind: 'captures', records: [], problems: [{ file, message: 'the file is empty' }] };
  }
  if (trimmed.startsWith('[')) return parseJsonArray(text, file);
  if (trimmed.startsWith('{')) {
    const whole = tryParseJson(text);
    if (whole.ok && isDumperFile(whole.value)) return { kind: 'dumper', json: whole.value, problems: [] };
    // One object printed over several lines: one record, or one clear problem instead of a
    // "not valid JSON" for each of its lines.
    if (whole.ok && trimmed.trimEnd().includes('\n')) return recordsOf([whole.value], file);
  }
  return parseJsonLines(text, file);
}

function parseJsonLines(text: string, file: string): ParsedInputFile {
  const records: LocatedRecord[] = [];
  const problems: InputProblem[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    const parsed = parseCaptureLine(line, file, index + 1);
    if (parsed === undefined) continue;
    if ('record' in parsed) records.push(parsed);
    else problems.push(parsed);
  }
  return { kind: 'captures', records, problems };
}

/**
 * One line of a JSON-lines capture file: a located record, a problem naming the line, or undefined
 * for a blank line. Callers that stream large files read them a line at a time through this.
 */
export function parseCaptureLine(
  rawLine: string,
  file: string,
  lineNumber: number,
): LocatedRecord | InputProblem | undefined {
  const line = rawLine.replace(/^\uFEFF/, '').trim();
  if (line === '') return undefined;
  const parsed = tryParseJson(line);
  if (!parsed.ok) return { file, line: lineNumber, message: `not valid JSON${parsed.where}` };
  const record = captureRecordSchema.safeParse(parsed.value);
  return record.success
    ? { record: record.data, file, line: lineNumber }
    : { file, line: lineNumber, message: describeSchemaError(record.error) };
}

/** `{info, histories}` chat dumps and `{character[, user__username]}` definitions dumps. */
export function isDumperFile(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort().join(',');
  return keys === 'histories,info' || keys === 'character' || keys === 'character,user__username';
}

function parseJsonArray(text: string, file: string): ParsedInputFile {
  const parsed = tryParseJson(text);
  if (!parsed.ok) {
    const line = parsed.position === undefined ? undefined : lineOfPosition(text, parsed.position);
    return {
      kind: 'captures',
      records: [],
      problems: [{ file, ...(line === undefined ? {} : { line }), message: `not valid JSON${parsed.where}` }],
    };
  }
  return recordsOf(Array.isArray(parsed.value) ? parsed.value : [], file);
}

/** Validates already-parsed values as capture records, locating each by its element index. */
function recordsOf(items: readonly unknown[], file: string): ParsedInputFile {
  const records: LocatedRecord[] = [];
  const problems: InputProblem[] = [];
  for (const [index, item] of items.entries()) {
    const record = captureRecordSchema.safeParse(item);
    if (record.success) records.push({ record: record.data, file, element: index });
    else problems.push({ file, message: `array element [${index}]: ${describeSchemaError(record.error)}` });
  }
  return { kind: 'captures', records, problems };
}

type JsonParse = { ok: true; value: unknown } | { ok: false; position: number | undefined; where: string };

function tryParseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // V8's message can quote the input ("Unexpected token 'x', "…" is not valid JSON"); keep only
    // the position.
    const message = error instanceof Error ? error.message : '';
    const match = /position (\d+)/.exec(message);
    if (match?.[1] !== undefined) {
      const position = Number(match[1]);
      return { ok: false, position, where: ` (at character ${position + 1})` };
    }
    return {
      ok: false,
      position: undefined,
      where: message.includes('end of JSON') ? ' (it ends too early)' : '',
    };
  }
}

function lineOfPosition(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/**
 * Names the first failing field and what was expected, never the value found (zod's own messages
 * may quote it, and a capture's values are the user's data).
 */
export function describeSchemaError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'not a capture record';
  const path = formatIssuePath(issue.path);
  const field = path === '' ? 'the record' : `field \`${path}\``;
  const expected =
    'expected' in issue && typeof issue.expected === 'string' ? `expected ${issue.expected}` : issue.code;
  const format =
    'format' in issue && typeof issue.format === 'string' ? `not a valid ${issue.format}` : expected;
  return `${field}: ${format} (a capture record is {url, method, status, body, capturedAt})`;
}
