import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { readPngTextChunks } from '../dataset/sources/png-text-chunks.ts';
import { cardFromJson } from '../dataset/sources/read-character-card.ts';
import type { ChatCharacter } from './chat-character.ts';

/** The greeting, which the dataset's card reader has no use for: V1 at the top, V2/V3 under `data`. */
const flatGreetingSchema = z.looseObject({ first_mes: z.string().optional() });
const wrappedGreetingSchema = z.looseObject({ spec: z.string(), data: flatGreetingSchema });

/**
 * A character card (V1, V2 or V3; JSON, or a PNG with a `chara`/`ccv3` chunk) as a chat character.
 * Name, persona and scenario come from the dataset's card reader, so a card means the same in
 * training and in chat; the greeting is the card's `first_mes`.
 */
export async function readCardCharacter(file: string): Promise<ChatCharacter> {
  const json = await readCardJson(file);
  const card = cardFromJson(json, file);
  if (!('name' in card)) {
    throw new PygboxError('input-unreadable', card.message, {
      place: { file },
      hint: 'give a character card: V1/V2/V3 JSON, or a PNG holding one',
    });
  }
  const wrapped = wrappedGreetingSchema.safeParse(json);
  const flat = flatGreetingSchema.safeParse(json);
  const greeting = wrapped.success
    ? wrapped.data.data.first_mes
    : flat.success
      ? flat.data.first_mes
      : undefined;
  return {
    character: {
      name: card.name,
      ...(card.persona === undefined ? {} : { persona: card.persona }),
      ...(card.scenario === undefined ? {} : { scenario: card.scenario }),
    },
    ...(greeting === undefined || greeting.trim() === '' ? {} : { greeting: greeting.trim() }),
    source: `the card ${file}`,
  };
}

async function readCardJson(file: string): Promise<unknown> {
  const bytes = await readFile(file).catch((cause: unknown) => {
    throw new PygboxError('input-unreadable', 'cannot read this character card', {
      place: { file },
      hint: 'check the path given to --character',
      cause,
    });
  });
  let text = bytes.toString('utf8');
  if (extname(file).toLowerCase() === '.png') {
    const chunks = readPngTextChunks(new Uint8Array(bytes));
    const encoded = chunks?.get('ccv3') ?? chunks?.get('chara');
    if (encoded === undefined) {
      throw new PygboxError('input-unreadable', 'this PNG holds no character card (no chara chunk)', {
        place: { file },
        hint: 'export the card as PNG from a card editor, or give its JSON',
      });
    }
    text = Buffer.from(encoded, 'base64').toString('utf8');
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PygboxError('input-unreadable', 'the character card is not valid JSON', {
      place: { file },
      hint: 'give a V1/V2/V3 card as JSON, or a PNG whose chara chunk is base64 JSON',
      cause,
    });
  }
}
