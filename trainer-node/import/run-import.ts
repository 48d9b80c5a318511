import type { CaptureProblem } from '../../shared/cai/adapted-captures.ts';
import { createCaptureAdapter } from '../../shared/cai/capture-adapter.ts';
import { adaptDumperFile } from '../../shared/cai/dumper-file.ts';
import type { InputProblem } from '../../shared/capture/parse-capture-file.ts';
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
  // Records are adapted as they stream in; only where each came from is kept, to name it in problems.
  const adapter = createCaptureAdapter();
  const origins: RecordOrigin[] = [];
  const inputs = await readInputs(await listInputFiles(options.inputs), (located) => {
    adapter.add(located.record);
    origins.push(
      located.line === undefined
        ? { file: located.file, element: located.element }
        : { file: located.file, line: located.line },
    );
  });
  assertSomethingToRead(inputs);

  const fromCaptures = adapter.finish();
  const chats: Chat[] = [...fromCaptures.chats];
  const characters: Character[] = [...fromCaptures.characters];
  const accountIdentities: Identity[] = [...fromCaptures.identities];
  const skipped = fromCaptures.problems.map((problem) => describeSkipped(problem, origins));
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
  // Everything is built before anything is written, so a failure leaves both outputs as they were.
  const chatCount = exported.audited.chats.length;
  const zip =
    options.zip === undefined
      ? undefined
      : await writeExportZip(exported.audited, {
          formats: options.formats,
          anonymizerVersion: exported.anonymizerVersion,
          toolVersion: PYGBOX_VERSION,
          createdDay: options.day ?? new Date().toISOString().slice(0, 10),
          codec: nodeZipCodec,
        });
  const written: ImportSummary['written'] = [];
  await writeFileAtomic(options.out, serializeAnonChats(exported.audited.chats));
  written.push({ path: options.out, what: `${chatCount} anonymized chats` });
  if (options.zip !== undefined && zip !== undefined) {
    await writeFileAtomic(options.zip, zip);
    const extra = options.formats.length === 0 ? '' : ` + ${options.formats.join(', ')} formats`;
    written.push({ path: options.zip, what: `export zip with ${chatCount} chats${extra}` });
  }

  return {
    files: inputs.files,
    records: inputs.records,
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

interface RecordOrigin {
  file: string;
  line?: number;
  element?: number;
}

function describeSkipped(problem: CaptureProblem, origins: readonly RecordOrigin[]): SkippedRecord {
  const origin = origins[problem.recordIndex];
  const where =
    origin === undefined
      ? problem.endpoint
      : origin.line !== undefined
        ? `${origin.file}:${origin.line}`
        : `${origin.file} [${origin.element ?? problem.recordIndex}]`;
  return { where, kind: problem.kind, message: problem.message };
}
