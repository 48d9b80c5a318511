import { auditChats } from '../../shared/anonymize/audit.ts';
import { auditPreferences } from '../../shared/anonymize/audit-preferences.ts';
import type { CaptureProblem } from '../../shared/cai/adapted-captures.ts';
import { createCaptureAdapter } from '../../shared/cai/capture-adapter.ts';
import { adaptDumperFile } from '../../shared/cai/dumper-file.ts';
import type { InputProblem } from '../../shared/capture/parse-capture-file.ts';
import type { Character, Chat, Identity } from '../../shared/chat/chat.ts';
import { combineChats } from '../../shared/chat/combine-chats.ts';
import { anonymizeForExport, creatorNames } from '../../shared/export/anonymize-for-export.ts';
import { collectIdentities } from '../../shared/export/collect-identities.ts';
import { PYGBOX_VERSION } from '../../shared/version.ts';
import { serializeAnonChats } from '../../shared/zip/chats-jsonl.ts';
import type { CompatFormat } from '../../shared/zip/export-manifest.ts';
import { serializeAnonPreferences } from '../../shared/zip/preferences-jsonl.ts';
import { writeExportZip } from '../../shared/zip/write-export-zip.ts';
import { listInputFiles } from '../io/list-input-files.ts';
import { nodeZipCodec } from '../io/node-zip-codec.ts';
import { writeFileAtomic } from '../io/write-file-atomic.ts';
import { latestPreferences } from './latest-preferences.ts';
import { isZipInput, readExportZips } from './read-export-zips.ts';
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
  /** Pygbox export zips read. */
  zips: number;
  chats: number;
  messages: number;
  /** Preference records (from the zips' preferences.jsonl) written next to the chats, each key once. */
  preferences: number;
  /** Records left out because a later copy of the same record (same key) was read too. */
  duplicatePreferences: number;
  identitiesRedacted: number;
  /** Records read but holding no usable data (error responses, unknown endpoints), with reasons. */
  skipped: SkippedRecord[];
  /** Files or lines that could not be read; any of these makes the run fail. */
  unreadable: InputProblem[];
  written: { path: string; what: string }[];
}

/**
 * `pygbox import`: read capture and dumper files, adapt, anonymize and audit, then write the
 * anonymized chats (and the zip). Pygbox export zips given as inputs add their chats and the
 * browser chat's preference records (written to `preferencesPathFor(out)` and into the zip). Good input is written even when some lines were unreadable; the
 * summary lists both so the user knows exactly what was written and what was not.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  // Records are adapted as they stream in; only where each came from is kept, to name it in problems.
  const adapter = createCaptureAdapter();
  const origins: RecordOrigin[] = [];
  const files = await listInputFiles(options.inputs);
  const zips = await readExportZips(files.filter(isZipInput));
  const inputs = await readInputs(
    files.filter((file) => !isZipInput(file)),
    (located) => {
      adapter.add(located.record);
      origins.push(
        located.line === undefined
          ? { file: located.file, element: located.element }
          : { file: located.file, line: located.line },
      );
    },
  );
  if (zips.files === 0) assertSomethingToRead(inputs);

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
  // Chats and preference records from export zips were anonymized where they were exported; they
  // pass this run's audit too, with every identity and redaction it knows, before being written.
  const audit = {
    identities: collectIdentities(combined, accountIdentities, options.identities),
    redactions: [...options.redactions, ...creatorNames(combined)],
  };
  const audited =
    zips.files === 0 ? exported.audited : auditChats([...exported.audited.chats, ...zips.chats], audit);
  const preferences = auditPreferences(latestPreferences(zips.preferences), audit);
  // Everything is built before anything is written, so a failure leaves every output as it was.
  const chatCount = audited.chats.length;
  const preferenceCount = preferences.preferences.length;
  const zip =
    options.zip === undefined
      ? undefined
      : await writeExportZip(audited, {
          preferences,
          formats: options.formats,
          anonymizerVersion: exported.anonymizerVersion,
          toolVersion: PYGBOX_VERSION,
          createdDay: options.day ?? new Date().toISOString().slice(0, 10),
          codec: nodeZipCodec,
        });
  const written: ImportSummary['written'] = [];
  await writeFileAtomic(options.out, serializeAnonChats(audited.chats));
  written.push({ path: options.out, what: `${chatCount} anonymized chats` });
  if (zips.files > 0) {
    const path = preferencesPathFor(options.out);
    await writeFileAtomic(path, serializeAnonPreferences(preferences.preferences));
    written.push({ path, what: `${preferenceCount} anonymized preference records` });
  }
  if (options.zip !== undefined && zip !== undefined) {
    await writeFileAtomic(options.zip, zip);
    const extra = options.formats.length === 0 ? '' : ` + ${options.formats.join(', ')} formats`;
    const withPreferences = preferenceCount === 0 ? '' : ` and ${preferenceCount} preference records`;
    written.push({ path: options.zip, what: `export zip with ${chatCount} chats${withPreferences}${extra}` });
  }

  return {
    files: inputs.files,
    records: inputs.records,
    recordsUsed,
    dumperFiles: inputs.dumpers.length,
    zips: zips.files,
    chats: chatCount,
    messages: audited.chats.reduce((sum, chat) => sum + chat.messages.length, 0),
    preferences: preferenceCount,
    duplicatePreferences: zips.preferences.length - preferenceCount,
    identitiesRedacted: exported.identitiesRedacted,
    skipped,
    unreadable: inputs.unreadable,
    written,
  };
}

/**
 * Where the preference records go: next to the chats, named after them (`chats.jsonl` →
 * `chats.preferences.jsonl`), one anonymized record a line, for a later DPO or reward-model step.
 */
export function preferencesPathFor(out: string): string {
  const stem = out.replace(/\.(jsonl|ndjson|json)$/i, '');
  return `${stem}.preferences.jsonl`;
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
