import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cardFromJson,
  isCharacterCardJson,
  readCardPng,
} from '../../../trainer-node/dataset/sources/read-character-card.ts';
import { pngWithCard } from './card-png.ts';

const dir = mkdtempSync(join(tmpdir(), 'pygbox-card-'));

describe('character cards', () => {
  it('reads a V2 card: persona from description and personality, scenario, creator', () => {
    const card = {
      spec: 'chara_card_v2',
      data: {
        name: ' Old Tom ',
        description: 'A ferryman.',
        personality: 'gruff',
        scenario: 'Fog.',
        creator: 'maker',
        first_mes: 'Hi',
      },
    };
    expect(isCharacterCardJson(card)).toBe(true);
    expect(cardFromJson(card, 'tom.json')).toEqual({
      file: 'tom.json',
      name: 'Old Tom',
      persona: 'A ferryman.\ngruff',
      scenario: 'Fog.',
      creator: 'maker',
    });
  });

  it('reads a V1 card (fields at the top level) and leaves out empty fields', () => {
    const card = { name: 'Sable', description: '', personality: 'quiet', scenario: ' ', first_mes: 'Hello.' };
    expect(isCharacterCardJson(card)).toBe(true);
    expect(cardFromJson(card, 'sable.json')).toEqual({ file: 'sable.json', name: 'Sable', persona: 'quiet' });
  });

  it('reads the card in a PNG chara chunk, and names what is wrong with other PNGs', async () => {
    writeFileSync(
      join(dir, 'card.png'),
      pngWithCard({ spec: 'chara_card_v2', data: { name: 'Wren', description: 'Kind.' } }),
    );
    expect(await readCardPng(join(dir, 'card.png'))).toEqual({
      file: join(dir, 'card.png'),
      name: 'Wren',
      persona: 'Kind.',
    });
    writeFileSync(join(dir, 'plain.png'), pngWithCard({}).slice(0, 33));
    expect(await readCardPng(join(dir, 'plain.png'))).toEqual({
      file: join(dir, 'plain.png'),
      message: 'this PNG holds no character card (no chara chunk)',
    });
    expect(cardFromJson({ spec: 'chara_card_v2', data: { description: 'no name' } }, 'x.json')).toMatchObject(
      {
        message: expect.stringContaining('field `data.name`'),
      },
    );
  });
});
