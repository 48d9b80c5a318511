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

/** Decodes base64 (standard or URL-safe, padding optional) to UTF-8 JSON; undefined when either fails. */
function parseBase64Json(encoded: string): { value: unknown } | undefined {
  try {
    const binary = atob(encoded.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return { value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return undefined;
  }
}
