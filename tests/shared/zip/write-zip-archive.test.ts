import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeZipArchive } from '../../../shared/zip/write-zip-archive.ts';
import { readCentralDirectory } from '../../../shared/zip/zip-central-directory.ts';
import { portableZipCodec } from '../../../shared/zip/zip-codec.ts';
import { DEFAULT_ZIP_LIMITS } from '../../../shared/zip/zip-limits.ts';
import { nodeZipCodec } from '../../../trainer-node/io/node-zip-codec.ts';

const encoder = new TextEncoder();
const entries = [
  { path: 'manifest.json', bytes: encoder.encode('{"a":1}\n') },
  { path: 'chats.jsonl', bytes: encoder.encode('{"text":"Zoë’s lamp"}\n'.repeat(2000)) },
  { path: 'compat/empty.jsonl', bytes: new Uint8Array(0) },
];

describe.each([
  ['portable (fflate + JavaScript CRC)', portableZipCodec],
  ['Node (zlib)', nodeZipCodec],
])('writeZipArchive with the %s codec', (_name, codec) => {
  it('writes a zip an independent reader (fflate) unpacks to the same bytes, in order', async () => {
    const zip = await writeZipArchive(entries, codec);
    const unpacked = unzipSync(zip);
    expect(Object.keys(unpacked)).toEqual(entries.map((entry) => entry.path));
    for (const entry of entries) expect(unpacked[entry.path]).toEqual(entry.bytes);
  });

  it('passes Python zipfile’s CRC test (a third reader)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pygbox-zip-'));
    const path = join(dir, 'a.zip');
    writeFileSync(path, await writeZipArchive(entries, codec));
    const script =
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), len(z.namelist()))';
    expect(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }).trim()).toBe('None 3');
  });

  it('is read back by the export reader’s central directory with the declared sizes', async () => {
    const zip = await writeZipArchive(entries, codec);
    const listed = readCentralDirectory(zip, DEFAULT_ZIP_LIMITS);
    expect(listed.map((entry) => [entry.name, entry.method, entry.uncompressedSize])).toEqual(
      entries.map((entry) => [entry.path, 8, entry.bytes.length]),
    );
  });
});

describe('the two codecs', () => {
  it('give archives with the same entries and CRCs', async () => {
    const portable = readCentralDirectory(
      await writeZipArchive(entries, portableZipCodec),
      DEFAULT_ZIP_LIMITS,
    );
    const node = readCentralDirectory(await writeZipArchive(entries, nodeZipCodec), DEFAULT_ZIP_LIMITS);
    expect(node.map((entry) => [entry.name, entry.crc32])).toEqual(
      portable.map((entry) => [entry.name, entry.crc32]),
    );
  });
});
