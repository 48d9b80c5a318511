import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { readPngTextChunks } from './png-text-chunks.ts';
import type { SkippedInput } from './source-chat.ts';
import { describeZodProblem } from './zod-problem.ts';

/**
 * A character card (TavernAI V1, V2 `chara_card_v2`, V3 `chara_card_v3`), as JSON or inside a PNG's
 * `chara`/`ccv3` text chunk. Cards give personas: the description and personality become the
 * persona, the scenario the scenario, for chats with a character of the same name that lack them.
 * The creator's handle is kept only to be redacted from the texts.
 */
export interface CharacterCard {
  file: string;
  name: string;
  persona?: string;
  scenario?: string;
  creator?: string;
}

const cardFieldsSchema = z.looseObject({
  name: z.string().trim().min(1),
  // Chat opens with it; training does not use it, so a card whose greeting is not text still reads.
  first_mes: z.string().optional().catch(undefined),
  description: z.string().optional(),
  personality: z.string().optional(),
  scenario: z.string().optional(),
  creator: z.string().optional(),
});
const wrappedCardSchema = z.looseObject({
  spec: z.enum(['chara_card_v2', 'chara_card_v3']),
  data: cardFieldsSchema,
});

/** True for JSON that looks like a card (so a `.json` input is read as one). */
export function isCharacterCardJson(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if ('spec' in value && typeof value.spec === 'string' && value.spec.startsWith('chara_card')) return true;
  return 'name' in value && 'first_mes' in value;
}

export function cardFromJson(value: unknown, file: string): CharacterCard | SkippedInput {
  const read = cardWithGreetingFromJson(value, file);
  return 'card' in read ? read.card : read;
}

/** A card and its greeting (`first_mes`, trimmed; absent when empty): what `pygbox chat` opens with. */
export interface CardWithGreeting {
  card: CharacterCard;
  greeting?: string;
}

export function cardWithGreetingFromJson(value: unknown, file: string): CardWithGreeting | SkippedInput {
  // A card that says it is V2/V3 is judged as one, so its error names `data.…` fields.
  const isWrapped = typeof value === 'object' && value !== null && 'spec' in value;
  const parsed = isWrapped
    ? wrappedCardSchema.transform((card) => card.data).safeParse(value)
    : cardFieldsSchema.safeParse(value);
  if (!parsed.success) return { file, message: describeZodProblem('a character card', parsed.error) };
  const { name, description, personality, scenario, creator, first_mes: greeting } = parsed.data;
  const persona = [description, personality]
    .map((text) => text?.trim() ?? '')
    .filter((text) => text !== '')
    .join('\n');
  return {
    card: {
      file,
      name,
      ...(persona === '' ? {} : { persona }),
      ...(scenario === undefined || scenario.trim() === '' ? {} : { scenario: scenario.trim() }),
      ...(creator === undefined || creator.trim() === '' ? {} : { creator: creator.trim() }),
    },
    ...(greeting === undefined || greeting.trim() === '' ? {} : { greeting: greeting.trim() }),
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
  let text = bytes.toString('utf8');
  if (kind === 'png') {
    const chunks = readPngTextChunks(new Uint8Array(bytes));
    if (chunks === undefined) return { file, message: 'not a PNG file' };
    const encoded = chunks.get('ccv3') ?? chunks.get('chara');
    if (encoded === undefined) return { file, message: 'this PNG holds no character card (no chara chunk)' };
    text = Buffer.from(encoded, 'base64').toString('utf8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      file,
      message: kind === 'png' ? 'the chara chunk is not base64-encoded JSON' : 'not valid JSON',
    };
  }
  return cardWithGreetingFromJson(json, file);
}
