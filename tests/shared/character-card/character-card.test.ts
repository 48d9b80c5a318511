import { describe, expect, it } from 'vitest';
import { cardToLocalCharacter } from '../../../shared/character-card/card-to-local-character.ts';
import {
  isCharacterCardJson,
  parseCharacterCardJson,
} from '../../../shared/character-card/character-card.ts';
import { readCardFromPng } from '../../../shared/character-card/read-card-from-png.ts';
import { localCharacterSchema } from '../../../shared/local-chat/local-character.ts';
import { pngWithTextChunks } from '../../trainer-node/dataset/card-png.ts';

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

  it('decodes base64 as leniently as the trainer did with Node (padding, line breaks, a NUL)', () => {
    const base64 = Buffer.from(JSON.stringify(V2), 'utf8').toString('base64');
    const variants = [
      `${base64.replace(/=+$/, '')}`,
      `${base64}=`,
      `${base64}\u0000`,
      `${base64.slice(0, 20)}\r\n${base64.slice(20)}`,
    ];
    for (const chunk of variants) {
      expect(JSON.parse(Buffer.from(chunk, 'base64').toString('utf8'))).toEqual(V2);
      expect(readCardFromPng(pngWith([['chara', chunk]]))).toMatchObject({
        ok: true,
        card: { name: 'Chef Sprocket' },
      });
    }
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
  it("redacts the creator's handle from every text (it may be the user's own)", () => {
    const signed = {
      ...FIELDS,
      creator: 'quillsmith',
      description: 'Made by @quillsmith.',
      personality: 'Loves QuillSmith',
      scenario: 'Quillsmith visits.',
      first_mes: 'Hi from quillsmith!',
      alternate_greetings: ['quillsmith says hi'],
      mes_example: "<START>\n{{char}}: I am quillsmith's robot.",
    };
    const input = cardToLocalCharacter(signed);
    expect(JSON.stringify(input)).not.toMatch(/quillsmith/i);
    expect(input.persona).toContain('[REDACTED]');
    expect(input.exampleDialogue).toMatch(/^<START>\n\{\{char\}\}: I am \[REDACTED\]/);
  });

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

/** A PNG with the given tEXt chunks; JSON values are base64-encoded as card tools do. */
function pngWith(texts: [string, unknown][]): Uint8Array {
  return pngWithTextChunks(
    texts.map(([keyword, value]) => [
      keyword,
      typeof value === 'string' ? value : Buffer.from(JSON.stringify(value), 'utf8').toString('base64'),
    ]),
  );
}
