import { describe, expect, it } from 'vitest';
import { neoCharacterInfoAdapter, neoCharacterInfosAdapter } from '../../../shared/cai/neo-character-info.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { NEO, neoCharacterInfo } from '../../fixtures/cai/neo-builders.ts';

const INFO_URL = `${NEO}/character/v1/get_character_info`;

describe('neoCharacterInfoAdapter', () => {
  it('maps the info fields onto a Character', () => {
    const record = captureRecord(INFO_URL, {
      character: neoCharacterInfo('char-21', 'Tessaly'),
      status: 'OK',
    });
    const outcome = neoCharacterInfoAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.characters).toEqual([
      {
        id: 'char-21',
        name: 'Tessaly',
        title: 'title of Tessaly',
        greeting: 'greeting of Tessaly',
        description: 'description of Tessaly',
        definition: 'definition of Tessaly',
        creatorName: 'fixture_creator',
        avatarFile: 'uploaded/2025/fixture-avatar.webp',
      },
    ]);
  });

  it.each([
    ['participant__name when name is missing', { name: undefined, participant__name: 'Bram' }, 'Bram'],
    ['participant__name when name is empty', { name: '', participant__name: 'Bram' }, 'Bram'],
    ['name over participant__name', { name: 'Tessaly', participant__name: 'Bram' }, 'Tessaly'],
  ])('takes %s', (_label, extra, expected) => {
    const record = captureRecord(INFO_URL, { character: neoCharacterInfo('char-21', 'x', extra) });
    const outcome = neoCharacterInfoAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.characters?.[0]?.name).toBe(expected);
  });

  it('drops empty and null optional fields instead of keeping empty strings', () => {
    const info = neoCharacterInfo('char-21', 'Tessaly', { definition: '', description: null, title: '  ' });
    const record = captureRecord(INFO_URL, { character: info });
    const outcome = neoCharacterInfoAdapter.adapt(record, new URL(record.url));
    const character = outcome.ok ? outcome.yield.characters?.[0] : undefined;
    expect(character).toBeDefined();
    expect(character).not.toHaveProperty('definition');
    expect(character).not.toHaveProperty('description');
    expect(character).not.toHaveProperty('title');
  });

  it('reports a body without external_id as unknown-shape at character.external_id', () => {
    const record = captureRecord(INFO_URL, { character: { name: 'Tessaly' } });
    const outcome = neoCharacterInfoAdapter.adapt(record, new URL(record.url));
    expect(outcome).toMatchObject({ ok: false, kind: 'unknown-shape' });
    expect(!outcome.ok && outcome.message).toContain('character.external_id');
  });
});

describe('neoCharacterInfosAdapter', () => {
  it('reads the batch form', () => {
    const body = {
      characters: [neoCharacterInfo('char-21', 'Tessaly'), neoCharacterInfo('char-22', 'Bram')],
    };
    const record = captureRecord(`${NEO}/character/v1/get_character_infos`, body);
    const outcome = neoCharacterInfosAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.characters?.map((character) => character.id)).toEqual([
      'char-21',
      'char-22',
    ]);
  });
});
