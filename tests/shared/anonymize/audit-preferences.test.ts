import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import {
  auditPreferences,
  findPreferenceAuditFindings,
} from '../../../shared/anonymize/audit-preferences.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { previewStoreExport, writeStoreExportZip } from '../../../shared/export/export-store.ts';
import type { AnonPreference } from '../../../shared/local-chat/anon-preference.ts';
import { openLocalChatStore } from '../../../shared/local-chat/local-chat-store.ts';
import { openPygboxStore } from '../../../shared/store/pygbox-store.ts';
import {
  charMessage,
  chatOf,
  GREETING,
  MODEL_A,
  MODEL_B,
  reply,
  userMessage,
} from '../local-chat/local-chat-fixtures.ts';

/** Invented people: "Orla Vantree" is the user, "Dunmore" a word they asked to have redacted. */
const USER = 'Orla Vantree';
const identities = [{ kind: 'user-supplied' as const, value: USER }];

const CLEAN: AnonPreference = {
  key: 'f'.repeat(32),
  source: 'chat-page',
  promptFormatVersion: 1,
  character: { name: 'Chef Sprocket' },
  day: '2024-05-02',
  prompt: '{{char}}: Welcome!\nYou: Hi\n{{char}}:',
  chosen: { text: 'Hello {{user}}.', model: MODEL_A, via: 'kept' },
  rejected: [
    { text: 'Hi.', model: MODEL_A, via: 'swiped-away' },
    { text: 'Go.', model: MODEL_B, via: 'rated-down' },
  ],
  models: [
    { id: MODEL_A, name: 'opt-small' },
    { id: MODEL_B, name: 'opt-tiny' },
  ],
};

/** Every leaf of a record (strings and numbers), as a path and its text form (`.chosen.text`). */
function leavesOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string' || typeof value === 'number') return [path];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    leavesOf(item, [...path, Array.isArray(value) ? Number(key) : key]),
  );
}

function fieldOf(path: readonly (string | number)[]): string {
  return `preferences[0]${path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')}`;
}

function planted(path: readonly (string | number)[], text: string): unknown {
  const copy: unknown = structuredClone(CLEAN);
  let at = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) at = at[part] as Record<string | number, unknown>;
  at[path.at(-1) as string | number] = text;
  return copy;
}

function auditError(records: readonly unknown[]): PygboxError {
  try {
    auditPreferences(records as AnonPreference[], { identities, redactions: ['Dunmore'] });
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('expected the audit to fail');
}

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

describe('the preference audit searches every field and fails closed', () => {
  const leaves = leavesOf(CLEAN);

  it('walks every leaf of the record', () => {
    // If the schema grows a field, CLEAN (strict) must grow it too, and then it is planted below.
    expect(leaves.map(fieldOf)).toHaveLength(19);
    expect(auditPreferences([CLEAN], { identities }).preferences).toEqual([CLEAN]);
  });

  it.each(leaves.map((path) => [fieldOf(path), path] as const))(
    'finds the user planted in %s, naming the field, never the name',
    (field, path) => {
      const findings = findPreferenceAuditFindings([planted(path, `Hi ${USER}!`) as AnonPreference], {
        identities,
      });
      expect(findings).toContainEqual(expect.objectContaining({ field, kind: 'identity' }));
      const error = auditError([CLEAN, planted(path, `from Dunmore, call 555-123-4567`)]);
      expect(error.code).toBe('audit-failed');
      expect(error.message).toContain(field.replace('preferences[0]', 'preferences[1]'));
      expect(error.message).not.toMatch(/orla|vantree|dunmore|555/i);
    },
  );

  it('finds the user in a stray field, its name, or a record that is not an object', () => {
    const strayValue = auditError([{ ...CLEAN, chatId: `chat of ${USER}` }]);
    expect(strayValue.message).toMatch(/preferences\[0\]\.chatId \(record key f{32}\): identity/);
    const strayKey = findPreferenceAuditFindings(
      [{ ...CLEAN, chosen: { ...CLEAN.chosen, [USER]: 1 } } as unknown as AnonPreference],
      { identities },
    );
    expect(strayKey).toContainEqual(
      expect.objectContaining({ field: 'preferences[0].chosen.<key>', kind: 'identity' }),
    );
    expect(auditError([null, USER]).message).toMatch(/preferences\[1\] \(record key unreadable\): identity/);
  });
});

describe('no identity reaches preferences.jsonl', () => {
  it('from the prompt (persona, scenario, examples, user text), names, models or times', async () => {
    const factory = new IDBFactory();
    const main = await openPygboxStore({ indexedDB: factory });
    const local = await openLocalChatStore({ factory });
    opened.push(main, local);
    await main.setSettings({ userIdentities: ['Vantree-77'], redactions: ['Dunmore'] });
    await local.updateChatSettings((current) => ({ ...current, userDisplayName: 'Orla' }));
    // A character the user named after themselves, with their names all through its texts.
    await local.putCharacter({ id: 'char-1', name: 'Orla', source: 'hand-written' });
    const prompt = [
      'Orla is the bot of Orla Vantree from Dunmore (vantree-77@mail.example).',
      'Scenario: Orla meets Vantree-77.',
      '<START>',
      'You: hi Orla',
      'Orla: hi ORLA VANTREE',
      '<START>',
      'Orla: Welcome!',
      'You: I am Orla, see https://example.com/u/vantree-77',
      'Orla:',
    ].join('\n');
    const at = { prompt, createdAt: '2024-05-01T23:59:59.999Z' };
    await local.saveChat(
      chatOf([
        GREETING,
        userMessage('m1', 'I am Orla'),
        charMessage(
          'm2',
          [reply('Orla Vantree!', { ...at, rating: 'down' }), reply('Hi Orla.', { ...at, modelId: MODEL_B })],
          1,
        ),
        userMessage('m3', 'ok'),
      ]),
      { [MODEL_A]: "Orla's tuned model", [MODEL_B]: 'vantree-77 small' },
    );
    const zip = await writeStoreExportZip(await previewStoreExport(main), { day: '2024-05-02' });
    expect(zip.preferences).toBe(1);
    const text = new TextDecoder().decode(unzipSync(zip.bytes)['preferences.jsonl']);
    expect(text).not.toMatch(/orla|vantree|dunmore|mail\.example|chat-1|m2|T\d\d:/i);
    expect(text).toContain('"character":{"name":"[REDACTED]"}');
  });
});
