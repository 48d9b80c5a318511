import { crc32, deflateRawSync } from 'node:zlib';
import { EXPORT_COMPRESSION_LEVEL, type ZipCodec } from '../../shared/zip/zip-codec.ts';

/** Node's native zlib for the export zip: same format and level as the portable codec, faster. */
export const nodeZipCodec: ZipCodec = {
  deflateRaw: (bytes) => deflateRawSync(bytes, { level: EXPORT_COMPRESSION_LEVEL }),
  crc32: (bytes) => crc32(bytes),
};
