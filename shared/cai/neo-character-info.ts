import { z } from 'zod';
import { defineAdapter } from './cai-adapter.ts';
import { characterFromInfo, characterInfoSchema } from './character-info-schema.ts';

/**
 * `POST neo.character.ai/character/v1/get_character_info` → `{character}`. A `{status:"NOT_OK"}`
 * answer never reaches here: the response classifier reports it as a neo error first.
 */
export const neoCharacterInfoAdapter = defineAdapter(
  'neo character info',
  z.object({ character: characterInfoSchema }),
  (body) => ({ characters: [characterFromInfo(body.character)] }),
);

/** The batch form, `get_character_infos` `{external_ids}` → `{characters:[…]}`. */
export const neoCharacterInfosAdapter = defineAdapter(
  'neo character infos',
  z.object({ characters: z.array(characterInfoSchema) }),
  (body) => ({ characters: body.characters.map(characterFromInfo) }),
);
