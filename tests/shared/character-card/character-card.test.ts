import { describe, expect, it } from 'vitest';
import { cardToLocalCharacter } from '../../../shared/character-card/card-to-local-character.ts';
import {
  isCharacterCardJson,
  parseCharacterCardJson,
} from '../../../shared/character-card/character-card.ts';
import { readCardFromPng } from '../../../shared/character-card/read-card-from-png.ts';
import { localCharacterSchema } from '../../../shared/local-chat/local-character.ts';
import { crc32 } from '../../../shared/zip/crc32.ts';

/** Invented cards: every name and line is made up. */
const FIELDS = {
  name: 'Chef Sprocket',
  description: ' A robot who bakes. ',
  personality: 'Cheerful',
  scenario: ' A kitchen. ',
  first_mes: ' Welcome to my kitchen! ',
  alternate_greetings: ['Back again?', '  '],
  mes_example: '<START>\n{{user}}: Hi\n{{char}}: Hello, {{user}}!',
  creator: 'someone',
};
const V1 = FIELDS;
const V2 = { spec: 'chara_card_v2', spec_version: '2.0', data: FIELDS };
const V3 = { spec: 'chara_card_v3', spec_version: '3.0', data: { ...FIELDS, group_only_greetings: [] } };

describe('parseCharacterCardJson', () => {
  it.each([
    ['V1', V1],
    ['V2', V2],
    ['V3', V3],
  ])('reads a %s card', (_version, json) => {
    expect(isCharacterCardJson(json)).toBe(true);
    const read = parseCharacterCardJson(json);
    expect(read).toEqual({
      ok: true,
      card: {
        name: 'Chef Sprocket',
        description: ' A robot who bakes. ',
        personality: 'Cheerful',
        scenario: ' A kitchen. ',
        first_mes: ' Welcome to my kitchen! ',
        alternate_greetings: ['Back again?', '  '],
        mes_example: '<START>\n{{user}}: Hi\n{{char}}: Hello, {{user}}!',
        creator: 'someone',
      },
    });
  });

  it('names the first bad field, never its value', () => {
    const read = parseCharacterCardJson({
      spec: 'chara_card_v2',
      data: { name: 42, description: 'Secret Name' },
    });
    expect(read).toEqual({ ok: false, message: 'not a character card: field `data.name`: expected string' });
  });

  it('reads a card whose chat-only fields are not text (training still gets its persona)', () => {
    const read = parseCharacterCardJson({
      name: 'Odo',
      first_mes: 7,
      alternate_greetings: 'x',
      mes_example: {},
    });
    expect(read).toEqual({ ok: true, card: { name: 'Odo', alternate_greetings: [] } });
  });
});

describe('readCardFromPng', () => {
  it('reads the chara chunk, and prefers a ccv3 chunk', () => {
    expect(readCardFromPng(pngWith([['chara', V2]]))).toMatchObject({
      ok: true,
      card: { name: 'Chef Sprocket' },
    });
    const both = pngWith([
      ['chara', { ...V2, data: { ...FIELDS, name: 'Old' } }],
      ['ccv3', V3],
    ]);
    expect(readCardFromPng(both)).toMatchObject({ ok: true, card: { name: 'Chef Sprocket' } });
  });

  it('reads non-ASCII text through base64 as UTF-8', () => {
    const read = readCardFromPng(pngWith([['chara', { ...V1, name: 'Zoë 🍰' }]]));
    expect(read).toMatchObject({ ok: true, card: { name: 'Zoë 🍰' } });
  });

  it('says what is wrong with a PNG that holds no card', () => {
    expect(readCardFromPng(new Uint8Array([1, 2, 3]))).toEqual({ ok: false, message: 'not a PNG file' });
    expect(readCardFromPng(pngWith([]))).toEqual({
      ok: false,
      message: 'this PNG holds no character card (no chara chunk)',
    });
    expect(readCardFromPng(pngWith([['chara', '%%%not base64']]))).toEqual({
      ok: false,
      message: 'the chara chunk is not base64-encoded JSON',
    });
  });
});

describe('cardToLocalCharacter', () => {
  it('makes a chat page character the way training reads the card', () => {
    const read = parseCharacterCardJson(V2);
    if (!read.ok) throw new Error(read.message);
    const input = cardToLocalCharacter(read.card);
    expect(input).toEqual({
      name: 'Chef Sprocket',
      persona: 'A robot who bakes.\nCheerful',
      scenario: 'A kitchen.',
      greeting: 'Welcome to my kitchen!',
      alternateGreetings: ['Back again?'],
      exampleDialogue: '<START>\n{{user}}: Hi\n{{char}}: Hello, {{user}}!',
      source: 'card',
    });
    expect(
      localCharacterSchema.safeParse({ ...input, id: 'c1', createdAt: 'now', updatedAt: 'now' }).success,
    ).toBe(true);
  });
});

/** A 1×1 PNG with the given tEXt chunks (JSON values are base64-encoded as card tools do). */
function pngWith(texts: [string, unknown][]): Uint8Array {
  const encoder = new TextEncoder();
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(encoder.encode(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, 1);
  new DataView(header.buffer).setUint32(4, 1);
  header.set([8, 2, 0, 0, 0], 8);
  const base64 = (value: unknown) =>
    typeof value === 'string' ? value : Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...texts.map(([keyword, value]) => chunk('tEXt', encoder.encode(`${keyword}\u0000${base64(value)}`))),
    chunk('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    png.set(part, offset);
    offset += part.length;
  }
  return png;
}
