const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const latin1 = new TextDecoder('latin1');

/**
 * The `tEXt` chunks of a PNG as keyword → text (Latin-1, as the PNG spec has them). Character cards
 * keep their JSON, base64-encoded, in a `chara` (V2) or `ccv3` (V3) chunk. Walks the chunk list
 * with bounds checks and stops at IEND; returns undefined when the bytes are not a PNG.
 */
export function readPngTextChunks(bytes: Uint8Array): Map<string, string> | undefined {
  if (bytes.length < 8 || PNG_SIGNATURE.some((byte, index) => bytes[index] !== byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const texts = new Map<string, string>();
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = latin1.decode(bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) return texts;
    if (type === 'tEXt') {
      const data = bytes.subarray(dataStart, dataEnd);
      const separator = data.indexOf(0);
      if (separator > 0)
        texts.set(latin1.decode(data.subarray(0, separator)), latin1.decode(data.subarray(separator + 1)));
    }
    if (type === 'IEND') break;
    offset = dataEnd + 4; // skip the CRC
  }
  return texts;
}
