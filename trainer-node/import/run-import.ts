import { adaptCaptures } from '../../shared/cai/adapt-captures.ts';
import type { CaptureProblem } from '../../shared/cai/adapted-captures.ts';
import { adaptDumperFile } from '../../shared/cai/dumper-file.ts';
import type { InputProblem, LocatedRecord } from '../../shared/capture/parse-capture-file.ts';
import type { Character, Chat, Identity } from '../../shared/chat/chat.ts';
import { combineChats } from '../../shared/chat/combine-chats.ts';
import { anonymizeForExport } from '../../shared/export/anonymize-for-export.ts';
import { PYGBOX_VERSION } from '../../shared/version.ts';
import { serializeAnonChats } from '../../shared/zip/chats-jsonl.ts';
import type { CompatFormat } from '../../shared/zip/export-manifest.ts';
import { writeExportZip } from '../../shared/zip/write-export-zip.ts';
import { listInputFiles } from '../io/list-input-files.ts';
import { nodeZipCodec } from '../io/node-zip-codec.ts';
import { writeFileAtomic } from '../io/write-file-atomic.ts';
import { assertSomethingToRead, readInputs } from './read-inputs.ts';

export interface ImportOptions {
  inputs: readonly string[];
  out: string;
  zip?: string;
  identities: readonly string[];
  redactions: readonly string[];
  formats: readonly CompatFormat[];
  /** Day written into the manifest; today (UTC) unless a test fixes it. */
  day?: string;
}

export interface SkippedRecord {
  where: string;
  kind: CaptureProblem['kind'];
  message: string;
}

export interface ImportSummary {
  files: number;
  records: number;
  recordsUsed: number;
  dumperFiles: number;
  chats: number;
  messages: number;
  identitiesRedacted: number;
  /** Records read but holding no usable data (error responses, unknown endpoints), with reasons. */
  skipped: SkippedRecord[];
  /** Files or lines that could not be read; any of these makes the run fail. */
  unreadable: InputProblem[];
  written: { path: string; what: string }[];
}

/**
 * `pygbox import`: read capture and dumper files, adapt, anonymize and audit, then write the
 * anonymized chats (and the zip). Good input is written even when some lines were unreadable; the
 * summary lists both so the user knows exactly what was written and what was not.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const inputs = await readInputs(await listInputFiles(options.inputs));
  assertSomethingToRead(inputs);

  const fromCaptures = adaptCaptures(inputs.records.map((located) => located.record));
  const chats: Chat[] = [...fromCaptures.chats];
  const characters: Character[] = [...fromCaptures.characters];
  const accountIdentities: Identity[] = [...fromCaptures.identities];
  const skipped = fromCaptures.problems.map((problem) => describeSkipped(problem, inputs.records));
  let recordsUsed = fromCaptures.recordsUsed;
  for (const dumper of inputs.dumpers) {
    const adapted = adaptDumperFile(dumper.json);
    chats.push(...adapted.chats);
    characters.push(...adapted.characters);
    accountIdentities.push(...adapted.identities);
    skipped.push(
      ...adapted.problems.map((problem) => ({ ...describeSkipped(problem, []), where: dumper.file })),
    );
    recordsUsed += adapted.recordsUsed;
  }

  const combined = combineChats(chats, characters);
  const exported = anonymizeForExport(combined, {
    accountIdentities,
    userIdentities: options.identities,
    redactions: options.redactions,
  });
  const written: ImportSummary['written'] = [];
  const chatCount = exported.audited.chats.length;
  await writeFileAtomic(options.out, serializeAnonChats(exported.audited.chats));
  written.push({ path: options.out, what: `${chatCount} anonymized chats` });
  if (options.zip !== undefined) {
    const zip = await writeExportZip(exported.audited, {
      formats: options.formats,
      anonymizerVersion: exported.anonymizerVersion,
      toolVersion: PYGBOX_VERSION,
      createdDay: options.day ?? new Date().toISOString().slice(0, 10),
      codec: nodeZipCodec,
    });
    await writeFileAtomic(options.zip, zip);
    const extra = options.formats.length === 0 ? '' : ` + ${options.formats.join(', ')} formats`;
    written.push({ path: options.zip, what: `export zip with ${chatCount} chats${extra}` });
  }

  return {
    files: inputs.files,
    records: inputs.records.length,
    recordsUsed,
    dumperFiles: inputs.dumpers.length,
    chats: chatCount,
    messages: exported.audited.chats.reduce((sum, chat) => sum + chat.messages.length, 0),
    identitiesRedacted: exported.identitiesRedacted,
    skipped,
    unreadable: inputs.unreadable,
    written,
  };
}

function describeSkipped(problem: CaptureProblem, records: readonly LocatedRecord[]): SkippedRecord {
  const located = records[problem.recordIndex];
  const where =
    located === undefined
      ? problem.endpoint
      : located.line !== undefined
        ? `${located.file}:${located.line}`
        : `${located.file} [${located.element ?? problem.recordIndex}]`;
  return { where, kind: problem.kind, message: problem.message };
}
