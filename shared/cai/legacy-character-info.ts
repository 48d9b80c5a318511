import { z } from 'zod';
import { defineAdapter } from './cai-adapter.ts';
import { characterFromInfo, characterInfoSchema } from './character-info-schema.ts';

/**
 * Legacy `POST …/chat/character/info/`, `/info-cached/` and the editor's `/chat/character/` →
 * `{character, status?}`. The editor endpoint answers without a character for characters that are
 * not the user's own: that is a normal answer with nothing in it, not a problem.
 */
export const legacyCharacterInfoAdapter = defineAdapter(
  'legacy character info',
  z.object({ character: characterInfoSchema.nullish() }),
  (body) => ({
    characters:
      body.character === null || body.character === undefined ? [] : [characterFromInfo(body.character)],
  }),
);
