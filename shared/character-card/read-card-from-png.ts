import { type CardRead, parseCharacterCardJson } from './character-card.ts';
import { readPngTextChunks } from './png-text-chunks.ts';

const utf8 = new TextDecoder('utf-8');

/**
 * A card inside a PNG: the base64 JSON of its `ccv3` (V3, preferred) or `chara` (V2) tEXt chunk.
 * Works on bytes alone, for the trainer (a file) and the chat page (an `<input type=file>`).
 */
export function readCardFromPng(bytes: Uint8Array): CardRead {
  const chunks = readPngTextChunks(bytes);
  if (chunks === undefined) return { ok: false, message: 'not a PNG file' };
  const encoded = chunks.get('ccv3') ?? chunks.get('chara');
  if (encoded === undefined)
    return { ok: false, message: 'this PNG holds no character card (no chara chunk)' };
  const json = parseBase64Json(encoded);
  if (json === undefined) return { ok: false, message: 'the chara chunk is not base64-encoded JSON' };
  return parseCharacterCardJson(json.value);
}

/**
 * Decodes base64 to UTF-8 JSON; undefined when it is not JSON. As lenient as Node's
 * `Buffer.from(text, 'base64')`, which the trainer used before this reader was shared, so a card
 * it read still reads: URL-safe letters taken, anything outside the alphabet (line breaks, a
 * trailing NUL) skipped, decoding stopped at the first `=`, and a dangling last letter dropped.
 */
function parseBase64Json(encoded: string): { value: unknown } | undefined {
  const letters = (encoded.split('=')[0] ?? '')
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '');
  try {
    const binary = atob(letters.length % 4 === 1 ? letters.slice(0, -1) : letters);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return { value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return undefined;
  }
}
