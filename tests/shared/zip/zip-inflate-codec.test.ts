import { deflateRawSync } from 'node:zlib';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { portableZipCodec, type ZipInflateCodec } from '../../../shared/zip/zip-codec.ts';
import { nodeZipCodec } from '../../../trainer-node/io/node-zip-codec.ts';

const encoder = new TextEncoder();
const text = encoder.encode('{"role":"char","text":"Zoë’s lamp hums.","swipes":[]}\n'.repeat(3000));
/** Raw deflate from two independent writers, so neither codec only reads its own output. */
const streams: [string, Uint8Array][] = [
  ['fflate', deflateSync(text, { level: 1 })],
  ['zlib', new Uint8Array(deflateRawSync(text, { level: 9 }))],
];
/** 16 MiB of zeros: about 16 KiB deflated. */
const bomb = new Uint8Array(deflateRawSync(new Uint8Array(16 * 1024 * 1024)));

describe.each([
  ['portable (fflate)', portableZipCodec],
  ['Node (zlib)', nodeZipCodec],
] as [string, ZipInflateCodec][])('the %s codec’s bounded inflate', (_name, codec) => {
  it.each(streams)('inflates a %s stream to the original bytes within an exact bound', (_writer, stream) => {
    const result = codec.inflateRaw(stream, text.length);
    expect(result.kind).toBe('inflated');
    // Compared as Buffers: vitest's deep equality walks typed arrays element by element, slowly.
    if (result.kind === 'inflated') expect(Buffer.from(result.bytes).equals(text)).toBe(true);
  });

  it.each(streams)('refuses a %s stream whose output passes the bound by one byte', (_writer, stream) => {
    expect(codec.inflateRaw(stream, text.length - 1)).toEqual({ kind: 'too-large' });
  });

  it('stops a bomb at the bound: 16 MiB of zeros with room for 1 KiB', () => {
    expect(codec.inflateRaw(bomb, 1024)).toEqual({ kind: 'too-large' });
  });

  it('tells a cut stream from a damaged one', () => {
    const stream = streams[1]?.[1] ?? new Uint8Array();
    expect(codec.inflateRaw(stream.subarray(0, stream.length - 10), text.length)).toEqual({
      kind: 'truncated',
    });
    expect(codec.inflateRaw(new Uint8Array(), 10)).toEqual({ kind: 'truncated' });
    // Block type 3 is reserved: no deflater writes it.
    expect(codec.inflateRaw(new Uint8Array([0xff, 0x01, 0x02, 0x03]), 10)).toEqual({ kind: 'damaged' });
  });

  it('computes the zip CRC-32', () => {
    // The standard check value of CRC-32 over "123456789".
    expect(codec.crc32(encoder.encode('123456789'))).toBe(0xcbf43926);
  });
});
