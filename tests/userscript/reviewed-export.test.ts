import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { parseInputFile } from '../../shared/capture/parse-capture-file.ts';
import type { StoreExportPreview } from '../../shared/export/export-store.ts';
import { openPygboxStore, type PygboxStore } from '../../shared/store/pygbox-store.ts';
import { readExportZip } from '../../shared/zip/read-export-zip.ts';
import { createReviewedExport, type ReviewedExport } from '../../userscript/reviewed-export.ts';

const records = (name: string) => {
  const parsed = parseInputFile(readFileSync(`samples/captures/${name}`, 'utf8'), name);
  return parsed.kind === 'captures' ? parsed.records.map((located) => located.record) : [];
};

async function storeWith(name: string): Promise<PygboxStore> {
  const store = await openPygboxStore({ indexedDB: new IDBFactory() });
  await store.addCaptures(records(name));
  return store;
}

async function reviewNow(exporter: ReviewedExport): Promise<StoreExportPreview> {
  const preview = await exporter.review();
  if (preview === undefined) throw new Error('the review was superseded');
  return preview;
}

describe('createReviewedExport', () => {
  it('writes exactly the chats the user previewed, not those captured after the preview', async () => {
    const store = await storeWith('neo-session.jsonl');
    const exporter = createReviewedExport(async () => store);
    const shown = await reviewNow(exporter);
    const shownKeys = shown.audited.chats.map((chat) => chat.key).sort();
    expect(shownKeys.length).toBeGreaterThan(0);

    // The hook (or a running dump) stores more chats while the preview is on screen.
    await store.addCaptures(records('legacy-session.jsonl'));
    expect((await store.listChats()).length).toBeGreaterThan(shownKeys.length);

    const zip = await exporter.write([]);
    const written = await readExportZip(zip.bytes);
    expect(written.chats.map((chat) => chat.key).sort()).toEqual(shownKeys);
    expect(zip.chats).toBe(shownKeys.length);
    store.close();
  });

  it('refuses to write once the settings changed until a new preview was shown', async () => {
    const store = await storeWith('neo-session.jsonl');
    const exporter = createReviewedExport(async () => store);
    const before = await reviewNow(exporter);
    expect(JSON.stringify(before.audited.chats).toLowerCase()).toContain('lighthouse');
    // The user adds a word to redact; the preview that would apply it has not been shown (it failed).
    await store.setSettings({ ...(await store.getSettings()), redactions: ['lighthouse'] });
    exporter.forget();
    await expect(exporter.write([])).rejects.toMatchObject({ code: 'usage' });

    const shown = await reviewNow(exporter);
    const text = JSON.stringify(shown.audited.chats);
    expect(text.toLowerCase()).not.toContain('lighthouse');
    const written = await readExportZip((await exporter.write([])).bytes);
    expect(JSON.stringify(written.chats).toLowerCase()).not.toContain('lighthouse');
    store.close();
  });

  it('keeps the newest preview when an older one finishes last', async () => {
    const store = await storeWith('neo-session.jsonl');
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const exporter = createReviewedExport(async () => {
      calls += 1;
      if (calls === 1) await slow;
      return store;
    });
    const older = exporter.review();
    await store.addCaptures(records('legacy-session.jsonl'));
    const newer = await reviewNow(exporter);
    release();
    // The older one knows it was superseded: the panel must not show it.
    expect(await older).toBeUndefined();
    const written = await readExportZip((await exporter.write([])).bytes);
    expect(written.chats).toHaveLength(newer.audited.chats.length);
    store.close();
  });
});
