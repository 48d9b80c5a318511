import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditChats } from '../../../shared/anonymize/audit.ts';
import { auditPreferences } from '../../../shared/anonymize/audit-preferences.ts';
import type { AnonPreference } from '../../../shared/local-chat/anon-preference.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';
import { formatImportSummary } from '../../../trainer-node/import/format-import-summary.ts';
import { preferencesPathFor, runImport } from '../../../trainer-node/import/run-import.ts';
import { ROBOT_CHEF, WRITE_OPTIONS } from '../../shared/zip/anon-chat-fixtures.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';

/** An invented record, as the extension's export writes it. */
const RECORD: AnonPreference = {
  key: 'e'.repeat(32),
  source: 'chat-page',
  promptFormatVersion: 1,
  character: { name: 'Chef Sprocket' },
  day: '2024-05-02',
  prompt: '{{char}}: Welcome!\nYou: Hi\n{{char}}:',
  chosen: { text: 'Hello {{user}}.', model: 'a'.repeat(64), via: 'kept' },
  rejected: [{ text: 'Go away.', model: 'a'.repeat(64), via: 'rated-down' }],
  models: [{ id: 'a'.repeat(64), name: 'opt-small' }],
};

async function exportZipWith(records: AnonPreference[]): Promise<Uint8Array> {
  return writeExportZip(auditChats([ROBOT_CHEF], { identities: [] }), {
    ...WRITE_OPTIONS,
    preferences: auditPreferences(records, { identities: [] }),
  });
}

describe('pygbox import of export zips', () => {
  it('writes the preference records next to the chats and into its zip, and counts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pygbox-import-prefs-'));
    const input = join(dir, 'from-extension.zip');
    writeFileSync(input, await exportZipWith([RECORD]));
    const out = join(dir, 'chats.jsonl');
    const zip = join(dir, 'all.zip');
    const summary = await runImport({
      inputs: [input],
      out,
      zip,
      identities: [],
      redactions: [],
      formats: [],
    });
    expect(summary).toMatchObject({ zips: 1, chats: 1, preferences: 1 });
    expect(preferencesPathFor(out)).toBe(join(dir, 'chats.preferences.jsonl'));
    expect(readFileSync(join(dir, 'chats.preferences.jsonl'), 'utf8')).toBe(`${JSON.stringify(RECORD)}\n`);
    expect((await readExportZip(new Uint8Array(readFileSync(zip)))).preferences).toEqual([RECORD]);
    expect(formatImportSummary(summary)).toContain('read 1 export zip(s); preference records: 1');
  });

  it('keeps one copy of a record exported twice: the later one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pygbox-import-prefs-'));
    // The second export holds the same comparison (same key) with a rating added since.
    const later: AnonPreference = {
      ...RECORD,
      day: '2024-05-09',
      rejected: [...RECORD.rejected, { text: 'No.', model: 'a'.repeat(64), via: 'rated-down' }],
    };
    const other: AnonPreference = { ...RECORD, key: 'd'.repeat(32), prompt: 'You: Bye\n{{char}}:' };
    // Listed newest first: the day decides, not the order the files come in.
    writeFileSync(join(dir, 'a-second-export.zip'), await exportZipWith([later, other]));
    writeFileSync(join(dir, 'b-first-export.zip'), await exportZipWith([RECORD]));
    const out = join(dir, 'chats.jsonl');
    const summary = await runImport({
      inputs: [join(dir, 'a-second-export.zip'), join(dir, 'b-first-export.zip')],
      out,
      identities: [],
      redactions: [],
      formats: [],
    });
    expect(summary).toMatchObject({ zips: 2, preferences: 2, duplicatePreferences: 1 });
    expect(readFileSync(preferencesPathFor(out), 'utf8')).toBe(
      `${JSON.stringify(later)}\n${JSON.stringify(other)}\n`,
    );
    expect(formatImportSummary(summary)).toContain('preference records: 2 (1 older copies');
  });

  it('audits the zip records again with the names given to this run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pygbox-import-prefs-'));
    const input = join(dir, 'from-extension.zip');
    const leaky = { ...RECORD, chosen: { ...RECORD.chosen, text: 'Hello Quentin.' } } as AnonPreference;
    writeFileSync(input, await exportZipWith([leaky]));
    const out = join(dir, 'chats.jsonl');
    const error = await pygboxRejection(
      runImport({ inputs: [input], out, identities: ['Quentin'], redactions: [], formats: [] }),
    );
    expect(error.code).toBe('audit-failed');
    expect(error.place.field).toBe('preferences[0].chosen.text');
    expect(() => readFileSync(out)).toThrow();
  });
});
