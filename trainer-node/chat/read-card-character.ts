import { extname } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { type CardWithGreeting, readCardWithGreeting } from '../dataset/sources/read-character-card.ts';
import type { SkippedInput } from '../dataset/sources/source-chat.ts';
import type { ChatCharacter } from './chat-character.ts';

/**
 * A character card (V1, V2 or V3; JSON, or a PNG with a `chara`/`ccv3` chunk) as a chat character,
 * read by the dataset's card reader, so a card means the same in training and in chat (name,
 * persona from description and personality, scenario); the greeting is the card's `first_mes` and
 * the example dialogue its `mes_example`, as on the browser chat page (shared/character-card/).
 */
export async function readCardCharacter(file: string): Promise<ChatCharacter> {
  const kind = extname(file).toLowerCase() === '.png' ? 'png' : 'json';
  let read: CardWithGreeting | SkippedInput;
  try {
    read = await readCardWithGreeting(file, kind);
  } catch (cause) {
    throw new PygboxError('input-unreadable', 'cannot read this character card', {
      place: { file },
      hint: 'check the path given to --character',
      cause,
    });
  }
  if (!('card' in read)) {
    throw new PygboxError('input-unreadable', read.message, {
      place: { file },
      hint: 'give a character card: V1/V2/V3 JSON, or a PNG holding one (export it from a card editor)',
    });
  }
  const { name, persona, scenario } = read.card;
  return {
    character: {
      name,
      ...(persona === undefined ? {} : { persona }),
      ...(scenario === undefined ? {} : { scenario }),
      ...(read.exampleDialogue === undefined ? {} : { exampleDialogue: read.exampleDialogue }),
    },
    ...(read.greeting === undefined ? {} : { greeting: read.greeting }),
    source: `the card ${file}`,
  };
}
