import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { ANONYMIZER_VERSION } from '../../../shared/anonymize/anonymizer-version.ts';
import { parseInputFile } from '../../../shared/capture/parse-capture-file.ts';
import { anonymizeForExport, exportFileName } from '../../../shared/export/anonymize-for-export.ts';
import { openPygboxStore } from '../../../shared/store/pygbox-store.ts';
import { PYGBOX_VERSION } from '../../../shared/version.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';

/** The README's "shared core from code" pipeline, as the browser hosts will run it. */

const sampleRecords = ['neo-session.jsonl', 'legacy-session.jsonl'].flatMap((name) => {
  const parsed = parseInputFile(readFileSync(`samples/captures/${name}`, 'utf8'), name);
  return parsed.kind === 'captures' ? parsed.records.map((located) => located.record) : [];
});

describe('store → anonymize → audit → zip → read back', () => {
  it('exports the sample captures with every identity gone, the user’s own list and redactions included', async () => {
    const store = await openPygboxStore({ indexedDB: new IDBFactory() });
    await store.addCaptures(sampleRecords);
    await store.setSettings({ userIdentities: ['Starling Bay'], redactions: ['lighthouse'] });
    const { redactions } = await store.getSettings();

    const { audited, identitiesRedacted } = anonymizeForExport(await store.listChats(), {
      accountIdentities: await store.allIdentities(),
      redactions,
    });
    const zip = await writeExportZip(audited, {
      anonymizerVersion: ANONYMIZER_VERSION,
      toolVersion: PYGBOX_VERSION,
      formats: ['dumper', 'sillytavern'],
      createdDay: '2026-11-28',
    });
    const contents = await readExportZip(zip);

    expect(contents.chats).toEqual(audited.chats);
    expect(contents.manifest.counts.chats).toBe(4);
    expect(identitiesRedacted).toBeGreaterThanOrEqual(6);
    const text = JSON.stringify(contents).toLowerCase() + new TextDecoder('latin1').decode(zip).toLowerCase();
    for (const secret of [
      'zoe_starlight',
      'zoë',
      'zoe',
      'starling',
      'nightingale',
      '777000111',
      'example.com',
      'lighthouse',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(JSON.stringify(contents)).toContain('[REDACTED]');
    expect(exportFileName('2026-11-28')).toBe('pygbox-export-2026-11-28.zip');
    store.close();
  });

  it('stores nothing twice when the same captures arrive again', async () => {
    const store = await openPygboxStore({ indexedDB: new IDBFactory() });
    await store.addCaptures(sampleRecords);
    const first = { counts: await store.counts(), chats: await store.listChats() };
    await store.addCaptures([...sampleRecords].reverse());
    expect(await store.counts()).toEqual(first.counts);
    expect(await store.listChats()).toEqual(first.chats);
    store.close();
  });
});
