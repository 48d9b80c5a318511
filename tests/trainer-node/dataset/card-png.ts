import { crc32 } from '../../../shared/zip/crc32.ts';

/** A 1×1 PNG carrying a character card in a `chara` tEXt chunk (base64 JSON), as card tools write it. */
export function pngWithCard(card: unknown): Uint8Array {
  return pngWithTextChunks([['chara', Buffer.from(JSON.stringify(card)).toString('base64')]]);
}

/** A 1×1 PNG with the given tEXt chunks (keyword, text), in order, before its image data. */
export function pngWithTextChunks(texts: readonly (readonly [string, string])[]): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array(4 + data.length);
    body.set(new TextEncoder().encode(type), 0);
    body.set(data, 4);
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(body, 4);
    view.setUint32(8 + data.length, crc32(body));
    return out;
  };
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, 1);
  view.setUint32(4, 1);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  // One scanline: filter byte + one RGB pixel, deflated (a stored zlib block).
  const idat = new Uint8Array([
    0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0x00, 0xff, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00,
  ]);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...texts.map(([keyword, text]) => chunk('tEXt', new TextEncoder().encode(`${keyword}\u0000${text}`))),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    png.set(part, offset);
    offset += part.length;
  }
  return png;
}
