import { z } from 'zod';
import type { Character } from '../chat/chat.ts';
import { isRedactionToken } from '../chat/redaction-token.ts';
import { optionalTextSchema, siteIdSchema } from './site-id-schema.ts';

/**
 * The character fields both APIs (neo `get_character_info`, legacy `chat/character/info/`, the
 * editor's `chat/character/`) and the dumper's `info` share. Neo sometimes names the character
 * only in `participant__name`.
 */
export const characterInfoSchema = z.object({
  external_id: siteIdSchema,
  name: optionalTextSchema,
  participant__name: optionalTextSchema,
  title: optionalTextSchema,
  greeting: optionalTextSchema,
  description: optionalTextSchema,
  definition: optionalTextSchema,
  user__username: optionalTextSchema,
  avatar_file_name: optionalTextSchema,
});
export type CharacterInfo = z.infer<typeof characterInfoSchema>;

/** The canonical Character of an info body; empty strings count as absent, as the toolbox did. */
export function characterFromInfo(info: CharacterInfo): Character {
  const character: Character = {
    id: info.external_id,
    name: nonEmpty(info.name) ?? nonEmpty(info.participant__name) ?? '',
  };
  const title = nonEmpty(info.title);
  if (title !== undefined) character.title = title;
  const description = nonEmpty(info.description);
  if (description !== undefined) character.description = description;
  const greeting = nonEmpty(info.greeting);
  if (greeting !== undefined) character.greeting = greeting;
  const definition = nonEmpty(info.definition);
  if (definition !== undefined) character.definition = definition;
  // A dumper file already replaced the creator with a token: that names nobody.
  const creatorName = nonEmpty(info.user__username);
  if (creatorName !== undefined && !isRedactionToken(creatorName)) character.creatorName = creatorName;
  const avatarFile = nonEmpty(info.avatar_file_name);
  if (avatarFile !== undefined) character.avatarFile = avatarFile;
  return character;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
