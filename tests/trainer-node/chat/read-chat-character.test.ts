import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANONYMIZER_VERSION } from '../../../shared/anonymize/anonymizer-version.ts';
import { anonymizeForExport } from '../../../shared/export/anonymize-for-export.ts';
import { PYGBOX_VERSION } from '../../../shared/version.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';
import { readCardCharacter } from '../../../trainer-node/chat/read-card-character.ts';
import { readDumpedChatCharacter } from '../../../trainer-node/chat/read-dumped-chat-character.ts';
import { readCaptureInputs } from '../../../trainer-node/dataset/sources/read-capture-inputs.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import { pngWithCard } from '../dataset/card-png.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const NEO_SAMPLE = join(ROOT, 'samples/captures/neo-session.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'pygbox-chat-character-'));
const write = (name: string, content: string | Uint8Array) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

const v2 = {
  spec: 'chara_card_v2',
  spec_version: '2.0',
  data: {
    name: 'Brine',
    description: '{{char}} is a sea captain.',
    personality: 'Gruff but kind.',
    scenario: 'On deck at dawn.',
    first_mes: '  Ahoy, {{user}}!  ',
  },
};

describe('a chat character from a card', () => {
  it('reads a V2 JSON card as the dataset does, with the greeting', async () => {
    expect(await readCardCharacter(write('brine.json', JSON.stringify(v2)))).toMatchObject({
      character: {
        name: 'Brine',
        persona: '{{char}} is a sea captain.\nGruff but kind.',
        scenario: 'On deck at dawn.',
      },
      greeting: 'Ahoy, {{user}}!',
    });
  });

  it('reads V1 and V3 cards and a card inside a PNG', async () => {
    const v1 = {
      name: 'Moss',
      description: 'A quiet gardener.',
      first_mes: 'Hello.',
      personality: '',
      scenario: '',
    };
    expect(await readCardCharacter(write('moss.json', JSON.stringify(v1)))).toMatchObject({
      character: { name: 'Moss', persona: 'A quiet gardener.' },
      greeting: 'Hello.',
    });
    const v3 = { ...v2, spec: 'chara_card_v3', spec_version: '3.0' };
    expect(await readCardCharacter(write('brine-v3.json', JSON.stringify(v3)))).toMatchObject({
      character: { name: 'Brine', scenario: 'On deck at dawn.' },
      greeting: 'Ahoy, {{user}}!',
    });
    expect(await readCardCharacter(write('brine.png', pngWithCard(v2)))).toMatchObject({
      character: { name: 'Brine' },
      greeting: 'Ahoy, {{user}}!',
    });
  });

  it("carries the card's example dialogue, as the browser chat page does", async () => {
    const withExamples = {
      ...v2,
      data: { ...v2.data, mes_example: ' <START>\n{{user}}: Hi\n{{char}}: Ahoy! ' },
    };
    const read = await readCardCharacter(write('examples.json', JSON.stringify(withExamples)));
    expect(read.character.exampleDialogue).toBe('<START>\n{{user}}: Hi\n{{char}}: Ahoy!');
    expect((await readCardCharacter(write('plain.json', JSON.stringify(v2)))).character).not.toHaveProperty(
      'exampleDialogue',
    );
  });

  it('reads a card whose greeting is missing or not text, without one', async () => {
    const odd = { ...v2, data: { ...v2.data, first_mes: 42 } };
    const read = await readCardCharacter(write('odd.json', JSON.stringify(odd)));
    expect(read.character.name).toBe('Brine');
    expect(read).not.toHaveProperty('greeting');
  });

  it('names a card file that cannot be read', async () => {
    const missing = join(dir, 'nowhere.json');
    const error = await pygboxRejection(readCardCharacter(missing));
    expect(error).toMatchObject({ code: 'input-unreadable', place: { file: missing } });
    expect(error.message).toMatch(/cannot read/);
  });

  it('refuses a file that is not a card, naming it', async () => {
    const notCard = write('other.json', JSON.stringify({ spec: 'chara_card_v2', data: { name: '' } }));
    const error = await pygboxRejection(readCardCharacter(notCard));
    expect(error.place.file).toBe(notCard);
    const noChunk = await pygboxRejection(
      readCardCharacter(write('plain.png', pngWithCard(v2).slice(0, 33))),
    );
    expect(noChunk.message).toMatch(/no character card/);
  });
});

describe('a chat character from a dumped chat', () => {
  it('takes the character and its first message from a capture file, anonymized', async () => {
    const chat = await readDumpedChatCharacter(NEO_SAMPLE, 0);
    expect(chat.character.name).toBe('Aria Vale');
    expect(chat.greeting).toBe('The lamp is lit. Who climbs my stairs so late?');
    expect(chat.character.persona).toBe('A calm lighthouse keeper who collects stories from lost travelers.');
  });

  it('reads the same chat from a Pygbox export zip', async () => {
    const read = await readCaptureInputs([NEO_SAMPLE]);
    const { audited } = anonymizeForExport(
      read.chats.map((source) => source.chat),
      { accountIdentities: read.identities },
    );
    const zip = await writeExportZip(audited, {
      anonymizerVersion: ANONYMIZER_VERSION,
      toolVersion: PYGBOX_VERSION,
      formats: [],
      createdDay: '2026-11-28',
    });
    const file = write('export.zip', zip);
    expect(await readDumpedChatCharacter(file, 0)).toMatchObject({
      character: { name: 'Aria Vale' },
      greeting: 'The lamp is lit. Who climbs my stairs so late?',
    });
    const error = await pygboxRejection(readDumpedChatCharacter(file, 99));
    expect(error).toMatchObject({ code: 'usage', place: { field: 'chat-index' } });
    expect(error.hint).toMatch(/--chat-index 0 to \d+/);
  });

  it('refuses a file with no chats', async () => {
    const empty = write('empty.jsonl', readFileSync(NEO_SAMPLE, 'utf8').split('\n')[0] ?? '');
    const error = await pygboxRejection(readDumpedChatCharacter(empty, 0));
    expect(error.code).toBe('input-unreadable');
  });
});
