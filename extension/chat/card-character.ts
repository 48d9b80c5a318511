import { cardToLocalCharacter } from '../../shared/character-card/card-to-local-character.ts';
import { type CardRead, parseCharacterCardJson } from '../../shared/character-card/character-card.ts';
import { readCardFromPng } from '../../shared/character-card/read-card-from-png.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { LocalCharacterInput } from '../../shared/local-chat/local-character.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/**
 * A character from a card file the user picked: a PNG with a `chara`/`ccv3` chunk, or V1/V2/V3
 * JSON, read by the shared card reader the trainer uses, so a card means the same in training and
 * in chat. PNG is recognised by its signature, not the file name. The file name is the error's
 * place (the user chose it); the card's text never appears in an error.
 */
export function characterFromCardFile(fileName: string, bytes: Uint8Array): LocalCharacterInput {
  const read = isPng(bytes) ? readCardFromPng(bytes) : readCardJson(bytes);
  if (!read.ok) {
    throw new PygboxError('input-unreadable', read.message, {
      place: { file: fileName },
      hint: 'choose a character card: V1/V2/V3 JSON, or a PNG holding one (export it from a card editor)',
    });
  }
  return cardToLocalCharacter(read.card);
}

function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

function readCardJson(bytes: Uint8Array): CardRead {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, message: 'not a PNG and not valid JSON' };
  }
  return parseCharacterCardJson(value);
}
