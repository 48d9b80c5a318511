import { deflateSync } from 'fflate';
import { crc32 } from '../../../shared/zip/crc32.ts';

/**
 * A small zip writer for tests that need zips fflate would never write: duplicate names, lying
 * size headers, wrong CRCs, odd methods, names that disagree between headers.
 */
export interface RawEntry {
  name: string;
  data: Uint8Array;
  /** 0 stored (default) or 8 deflate; the data is compressed here when 8. */
  method?: 0 | 8;
  /** Written as the entry's data instead of `data` compressed (a cut or hand-made stream). */
  compressed?: Uint8Array;
  /** Written instead of the real method code (e.g. 12 for bzip2) without changing the data. */
  methodCode?: number;
  /** Written as the uncompressed size in both headers instead of the real one. */
  declaredSize?: number;
  crc?: number;
  flags?: number;
  /** Name written in the local header when it should differ from the central one. */
  localName?: string;
  /** Points the central record at this offset instead of the entry's own local header. */
  localOffset?: number;
}

const encoder = new TextEncoder();

export function buildZip(entries: readonly RawEntry[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 0;
    const payload = entry.compressed ?? (method === 8 ? deflateSync(entry.data) : entry.data);
    const name = encoder.encode(entry.name);
    const localName = encoder.encode(entry.localName ?? entry.name);
    const crc = entry.crc ?? crc32(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const methodCode = entry.methodCode ?? method;
    const flags = entry.flags ?? 0x800;
    const local = new Uint8Array(30 + localName.length + payload.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, methodCode, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, payload.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, localName.length, true);
    local.set(localName, 30);
    local.set(payload, 30 + localName.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, methodCode, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, payload.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, entry.localOffset ?? offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, ...centrals, eocd]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bytes of one local record (header + stored data), to hide inside another entry's data. */
export function localRecord(name: string, data: Uint8Array): Uint8Array {
  const zip = buildZip([{ name, data }]);
  return zip.subarray(0, 30 + encoder.encode(name).length + data.length);
}
