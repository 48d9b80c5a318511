import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { IDBFactory } from 'fake-indexeddb';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { auditPreferences } from '../../../shared/anonymize/audit-preferences.ts';
import { previewStoreExport, writeStoreExportZip } from '../../../shared/export/export-store.ts';
import { anonPreferenceKey } from '../../../shared/export/preference-key.ts';
import type { AnonPreference } from '../../../shared/local-chat/anon-preference.ts';
import { openLocalChatStore } from '../../../shared/local-chat/local-chat-store.ts';
import { openPygboxStore } from '../../../shared/store/pygbox-store.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import {
  charMessage,
  chatOf,
  GREETING,
  MODEL_A,
  MODEL_B,
  reply,
  userMessage,
} from '../local-chat/local-chat-fixtures.ts';
import { buildZip } from '../zip/zip-builder.ts';

/** Invented people: "Samantha Quill" is the user's display name on the chat page. */
const DISPLAY_NAME = 'Samantha Quill';
const PROMPT =
  'Chef Sprocket is a robot who bakes.\n<START>\nChef Sprocket: Welcome!\nYou: I am Samantha, mail me at sam.quill@example.com\nChef Sprocket:';

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

async function storesWithPreferences() {
  const factory = new IDBFactory();
  const main = await openPygboxStore({ indexedDB: factory });
  const local = await openLocalChatStore({ factory });
  opened.push(main, local);
  await local.putCharacter({ id: 'char-1', name: 'Chef Sprocket', source: 'hand-written' });
  await local.updateChatSettings((current) => ({ ...current, userDisplayName: DISPLAY_NAME }));
  const chat = chatOf([
    GREETING,
    userMessage('m1', 'I am Samantha, mail me at sam.quill@example.com'),
    charMessage(
      'm2',
      [
        reply('Nice to meet you, Samantha Quill! Chef Sprocket cooks.', { prompt: PROMPT, rating: 'down' }),
        reply('Hello Samantha.', { prompt: PROMPT, modelId: MODEL_B }),
      ],
      1,
    ),
    userMessage('m3', 'Thanks'),
  ]);
  await local.saveChat(chat, { [MODEL_A]: 'quill-tuned', [MODEL_B]: 'opt-small' });
  return { main, local };
}

describe('preference records in the export', () => {
  it('are anonymized with the display name, audited, and written as preferences.jsonl', async () => {
    const { main } = await storesWithPreferences();
    const preview = await previewStoreExport(main);
    const [record, ...others] = preview.preferences.preferences;
    expect(others).toEqual([]);
    expect(record).toEqual({
      key: anonPreferenceKey('Chef Sprocket', record?.prompt ?? ''),
      source: 'chat-page',
      promptFormatVersion: 1,
      character: { name: 'Chef Sprocket' },
      day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      prompt:
        '{{char}} is a robot who bakes.\n<START>\n{{char}}: Welcome!\nYou: I am {{user}}, mail me at [EMAIL]\n{{char}}:',
      chosen: { text: 'Hello {{user}}.', model: MODEL_B, via: 'kept' },
      rejected: [{ text: 'Nice to meet you, {{user}}! {{char}} cooks.', model: MODEL_A, via: 'rated-down' }],
      models: [
        { id: MODEL_A, name: '{{user}}-tuned' },
        { id: MODEL_B, name: 'opt-small' },
      ],
    });
    // The display name is one of the chats' identities too.
    expect(preview.identities).toContainEqual({ kind: 'user-supplied', value: DISPLAY_NAME });

    const zip = await writeStoreExportZip(preview, { day: '2024-05-02' });
    expect(zip.preferences).toBe(1);
    expect(Object.keys(unzipSync(zip.bytes))).toEqual(['manifest.json', 'chats.jsonl', 'preferences.jsonl']);
    const text = new TextDecoder().decode(zip.bytes);
    expect(text).not.toMatch(/samantha|quill|example\.com/i);
    const read = await readExportZip(zip.bytes);
    expect(read.preferences).toEqual([record]);
    expect(read.manifest.formatVersion).toBe(2);
    expect(read.manifest.counts.preferences).toBe(1);
    const listed = read.manifest.files.find((file) => file.path === 'preferences.jsonl');
    const bytes = unzipSync(zip.bytes)['preferences.jsonl'] ?? new Uint8Array();
    expect(listed).toEqual({
      path: 'preferences.jsonl',
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  it('leave a zip without preferences as version 1, as older Pygbox wrote it', async () => {
    const main = await openPygboxStore({ indexedDB: new IDBFactory() });
    opened.push(main);
    const zip = await writeStoreExportZip(await previewStoreExport(main), { day: '2024-05-02' });
    expect(zip.preferences).toBe(0);
    const read = await readExportZip(zip.bytes);
    expect(read.manifest.formatVersion).toBe(1);
    expect(read.manifest.counts).toEqual({ chats: 0, messages: 0, characters: 0 });
    expect(read.preferences).toEqual([]);
  });

  it('are refused by the reader when counts, version or lines disagree', async () => {
    const { main } = await storesWithPreferences();
    const zip = await writeStoreExportZip(await previewStoreExport(main), { day: '2024-05-02' });
    const entries = Object.entries(unzipSync(zip.bytes)).map(([name, data]) => ({ name, data }));
    const manifest = JSON.parse(new TextDecoder().decode(entries[0]?.data)) as Record<string, unknown>;
    const rezip = (change: Record<string, unknown>) =>
      buildZip([
        { name: 'manifest.json', data: new TextEncoder().encode(JSON.stringify({ ...manifest, ...change })) },
        ...entries.slice(1),
      ]);
    const wrongCount = await pygboxRejection(
      readExportZip(rezip({ counts: { ...(manifest.counts as object), preferences: 2 } })),
    );
    expect(wrongCount.message).toContain('counts.preferences is 2 but preferences.jsonl holds 1');
    const asVersion1 = await pygboxRejection(readExportZip(rezip({ formatVersion: 1 })));
    expect(asVersion1.code).toBe('zip-invalid');
    expect(asVersion1.place.field).toBe('files');
    // The same size limits as every entry, checked before anything is inflated: the total is
    // reached by the last entry, preferences.jsonl.
    const total = entries.reduce((sum, entry) => sum + entry.data.length, 0);
    const tooBig = await pygboxRejection(readExportZip(zip.bytes, { maxTotalBytes: total - 1 }));
    expect(tooBig.message).toContain('preferences.jsonl');
    expect(tooBig.message).toContain('more than the limit');
  });
});

describe('auditPreferences', () => {
  const clean: AnonPreference = {
    key: 'f'.repeat(32),
    source: 'chat-page',
    promptFormatVersion: 1,
    character: { name: 'Chef Sprocket' },
    day: '2024-05-02',
    prompt: '{{char}}: Welcome!\nYou: Hi\n{{char}}:',
    chosen: { text: 'Hello {{user}}.', model: MODEL_A, via: 'kept' },
    rejected: [{ text: 'Hi.', model: MODEL_A, via: 'swiped-away' }],
    models: [{ id: MODEL_A, name: 'opt-small' }],
  };
  const identities = [{ kind: 'user-supplied' as const, value: DISPLAY_NAME }];

  it('seals clean records', () => {
    expect(auditPreferences([clean], { identities }).preferences).toEqual([clean]);
  });

  it('fails closed on a name, PII or a stray field, naming places, never the text', () => {
    const leaky = {
      ...clean,
      rejected: [{ text: 'Bye Samantha Quill', model: MODEL_A, via: 'rated-down' as const }],
    };
    const error = (() => {
      try {
        auditPreferences([clean, leaky], { identities });
      } catch (caught) {
        return caught as Error & { code: string; place: { field?: string } };
      }
      throw new Error('expected the audit to fail');
    })();
    expect(error.code).toBe('audit-failed');
    expect(error.place.field).toBe('preferences[1].rejected[0].text');
    expect(error.message).not.toMatch(/samantha/i);

    const stray = {
      ...clean,
      chatId: 'chat-1',
      models: [{ id: MODEL_A, name: 'call 555-123-4567' }],
    } as AnonPreference;
    expect(() => auditPreferences([stray], { identities })).toThrow(
      /preferences\[0\]\.chatId.*schema|field not allowed/,
    );
    expect(() =>
      auditPreferences([{ ...clean, models: [{ id: MODEL_A, name: 'mail a@b.example.com' }] }], {
        identities,
      }),
    ).toThrow(/preferences\[0\]\.models\[0\]\.name.*email/);
  });
});
