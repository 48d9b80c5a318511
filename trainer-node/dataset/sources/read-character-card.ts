import { readFile } from 'node:fs/promises';
import {
  type CardRead,
  cardPersona,
  parseCharacterCardJson,
} from '../../../shared/character-card/character-card.ts';
import { readCardFromPng } from '../../../shared/character-card/read-card-from-png.ts';
import type { SkippedInput } from './source-chat.ts';

/**
 * A character card (TavernAI V1, V2 `chara_card_v2`, V3 `chara_card_v3`), as JSON or inside a PNG's
 * `chara`/`ccv3` text chunk. Cards give personas: the description and personality become the
 * persona, the scenario the scenario, for chats with a character of the same name that lack them.
 * The creator's handle is kept only to be redacted from the texts. The parsing itself is
 * platform-free and shared with the chat page (shared/character-card/); this file reads the files.
 */
export interface CharacterCard {
  file: string;
  name: string;
  persona?: string;
  scenario?: string;
  creator?: string;
}

export { isCharacterCardJson } from '../../../shared/character-card/character-card.ts';

export function cardFromJson(value: unknown, file: string): CharacterCard | SkippedInput {
  const read = cardWithGreetingFromJson(value, file);
  return 'card' in read ? read.card : read;
}

/**
 * A card and its greeting (`first_mes`, trimmed; absent when empty): what `pygbox chat` opens with,
 * and its example dialogue (`mes_example`, trimmed; absent when empty), which chat prompts carry
 * after `<START>` as the browser chat's do. Datasets use neither.
 */
export interface CardWithGreeting {
  card: CharacterCard;
  greeting?: string;
  exampleDialogue?: string;
}

export function cardWithGreetingFromJson(value: unknown, file: string): CardWithGreeting | SkippedInput {
  return fromCardRead(parseCharacterCardJson(value), file);
}

/** The shared reader's card as the trainer's: persona combined, texts trimmed, empty ones left out. */
function fromCardRead(read: CardRead, file: string): CardWithGreeting | SkippedInput {
  if (!read.ok) return { file, message: read.message };
  const { name, scenario, creator, first_mes: greeting, mes_example: examples } = read.card;
  const persona = cardPersona(read.card);
  return {
    card: {
      file,
      name,
      ...(persona === '' ? {} : { persona }),
      ...(scenario === undefined || scenario.trim() === '' ? {} : { scenario: scenario.trim() }),
      ...(creator === undefined || creator.trim() === '' ? {} : { creator: creator.trim() }),
    },
    ...(greeting === undefined || greeting.trim() === '' ? {} : { greeting: greeting.trim() }),
    ...(examples === undefined || examples.trim() === '' ? {} : { exampleDialogue: examples.trim() }),
  };
}

export async function readCardJson(file: string): Promise<CharacterCard | SkippedInput> {
  let read: CardWithGreeting | SkippedInput;
  try {
    read = await readCardWithGreeting(file, 'json');
  } catch {
    return { file, message: 'cannot read this file' };
  }
  return 'card' in read ? read.card : read;
}

export async function readCardPng(file: string): Promise<CharacterCard | SkippedInput> {
  const read = await readCardWithGreeting(file, 'png');
  return 'card' in read ? read.card : read;
}

/**
 * A card file, JSON or PNG, with its greeting. A file that cannot be read at all is thrown as the
 * file system's error (the caller names the path); a file that is not a card is a SkippedInput.
 */
export async function readCardWithGreeting(
  file: string,
  kind: 'json' | 'png',
): Promise<CardWithGreeting | SkippedInput> {
  const bytes = await readFile(file);
  if (kind === 'png') return fromCardRead(readCardFromPng(new Uint8Array(bytes)), file);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { file, message: 'not valid JSON' };
  }
  return cardWithGreetingFromJson(json, file);
}
