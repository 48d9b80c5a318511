import { describe, expect, it } from 'vitest';
import { legacyCharacterInfoAdapter } from '../../../shared/cai/legacy-character-info.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { LEGACY } from '../../fixtures/cai/legacy-builders.ts';
import { neoCharacterInfo } from '../../fixtures/cai/neo-builders.ts';

describe('legacyCharacterInfoAdapter', () => {
  it.each(['/chat/character/info/', '/chat/character/info-cached/', '/chat/character/'])(
    'reads %s',
    (path) => {
      const record = captureRecord(`${LEGACY}${path}`, {
        character: neoCharacterInfo('char-31', 'Orlen', { categories: [], definition: undefined }),
        status: 'OK',
      });
      const outcome = legacyCharacterInfoAdapter.adapt(record, new URL(record.url));
      expect(outcome.ok && outcome.yield.characters?.[0]).toMatchObject({
        id: 'char-31',
        name: 'Orlen',
        creatorName: 'fixture_creator',
      });
      expect(outcome.ok && outcome.yield.characters?.[0]).not.toHaveProperty('definition');
    },
  );

  it.each([{}, { character: null }, { status: 'OK' }])(
    'treats the editor endpoint answering without a character as nothing, not a problem (%o)',
    (body) => {
      const record = captureRecord(`${LEGACY}/chat/character/`, body);
      expect(legacyCharacterInfoAdapter.adapt(record, new URL(record.url))).toEqual({
        ok: true,
        yield: { characters: [] },
      });
    },
  );

  it('drops a dumper creator token instead of keeping it as the creator name', () => {
    const record = captureRecord(`${LEGACY}/chat/character/info/`, {
      character: neoCharacterInfo('char-31', 'Orlen', { user__username: '[BOT_CREATOR_NAME_REDACTED]' }),
    });
    const outcome = legacyCharacterInfoAdapter.adapt(record, new URL(record.url));
    expect(outcome.ok && outcome.yield.characters?.[0]).not.toHaveProperty('creatorName');
  });
});
