import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inflate, Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readBlobZipDirectory } from '../../../extension/models/blob-zip-directory.ts';
import { INFLATE_INPUT_BYTES, zipImportSource } from '../../../extension/models/model-import-source.ts';
import type { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { writeModelZip } from '../../../trainer-node/export/write-model-zip.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import { fakeModelExport, writeFakeExportFolder } from './fake-model-export.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pygbox-model-zip-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const model = fakeModelExport();

async function exportedZip(options: { forceZip64?: boolean } = {}): Promise<Uint8Array> {
  const folder = mkdtempSync(join(scratch, 'folder-'));
  const sources = writeFakeExportFolder(model, folder);
  const zipFile = join(folder, 'model.zip');
  await writeModelZip(zipFile, sources, options);
  return new Uint8Array(readFileSync(zipFile));
}

async function readAll(zip: Uint8Array): Promise<Map<string, Uint8Array>> {
  const source = await zipImportSource(new Blob([zip.slice()]));
  const out = new Map<string, Uint8Array>();
  for (const path of source.paths()) {
    const chunks: Uint8Array[] = [];
    await source.stream(path, async (chunk) => void chunks.push(chunk.slice()));
    out.set(path, new Uint8Array(Buffer.concat(chunks)));
  }
  return out;
}

/** Streamed zip with data descriptors (flag bit 3) and deflated entries, as fflate's Zip writes. */
function streamedZip(files: Map<string, Uint8Array>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, data, final) => {
      if (error) return reject(error);
      parts.push(data);
      if (final) resolve(new Uint8Array(Buffer.concat(parts)));
    });
    for (const [path, bytes] of files) {
      const entry = new ZipDeflate(path, { level: 6 });
      zip.add(entry);
      entry.push(bytes, true);
    }
    zip.end();
  });
}

const problem = (zip: Uint8Array): Promise<PygboxError> => pygboxRejection(readAll(zip));

describe('readBlobZipDirectory', () => {
  it('reads the stored entries that pygbox export writes, with and without ZIP64 records', async () => {
    for (const forceZip64 of [false, true]) {
      const zip = await exportedZip({ forceZip64 });
      const entries = await readBlobZipDirectory(new Blob([zip.slice()]));
      expect(entries.map((entry) => entry.name)).toEqual([...model.files.keys()]);
      expect(entries.every((entry) => entry.method === 0)).toBe(true);
      expect(await readAll(zip)).toEqual(model.files);
    }
  });

  it('inflates deflated entries, also those followed by a data descriptor', async () => {
    const deflated = zipSync(Object.fromEntries(model.files), { level: 6 });
    expect(await readAll(deflated)).toEqual(model.files);
    const streamed = await streamedZip(model.files);
    const flags = new DataView(streamed.buffer).getUint16(6, true);
    expect(flags & 0x8).toBe(8);
    expect(await readAll(streamed)).toEqual(model.files);
  });

  it('feeds the inflater small slices, so a deflate bomb is refused before it fills memory', async () => {
    // Random bytes do not compress: one read chunk holds several slices' worth of deflate data.
    const random = new Uint8Array(randomBytes(3 * INFLATE_INPUT_BYTES));
    const push = vi.spyOn(Inflate.prototype, 'push');
    try {
      const read = await readAll(zipSync({ 'onnx/model.onnx': random }, { level: 6 }));
      // Compared as one Buffer: toEqual walks a typed array byte by byte, seconds for this one.
      expect(Buffer.from(read.get('onnx/model.onnx') ?? []).equals(random)).toBe(true);
      expect(push.mock.calls.length).toBeGreaterThan(1);
      expect(Math.max(...push.mock.calls.map(([chunk]) => chunk.length))).toBeLessThanOrEqual(
        INFLATE_INPUT_BYTES,
      );
    } finally {
      push.mockRestore();
    }
    // 2 MB of zeros that declare 1 kB.
    const bomb = zipSync({ 'onnx/model.onnx': new Uint8Array(2_000_000) }, { level: 1 });
    const view = new DataView(bomb.buffer, bomb.byteOffset);
    const central = bomb.length - 22 - (46 + 'onnx/model.onnx'.length);
    view.setUint32(central + 24, 1000, true);
    const error = await problem(bomb);
    expect(error.place.file).toBe('onnx/model.onnx');
    expect(error.message).toMatch(/inflates to more bytes than the zip declares/);
  });

  it('reads the model from its one top folder, ignoring __MACOSX beside it', async () => {
    const nested = zipSync({
      '__MACOSX/my-model/._pygbox-model.json': new Uint8Array([0]),
      ...Object.fromEntries([...model.files].map(([path, bytes]) => [`my-model/${path}`, bytes])),
    });
    expect(await readAll(nested)).toEqual(model.files);
  });

  it('strips one top folder when the descriptor lies under it', async () => {
    const nested = zipSync(
      Object.fromEntries([...model.files].map(([path, bytes]) => [`my-model/${path}`, bytes])),
    );
    expect(await readAll(nested)).toEqual(model.files);
  });

  it('refuses a truncated zip', async () => {
    const zip = await exportedZip();
    const error = await problem(zip.subarray(0, zip.length - 200));
    expect(error.code).toBe('zip-invalid');
    // The place is printed once, as it is: not `"(model zip)": "(model zip)": …`.
    expect(error.describe().split('\n')[0]).toBe(
      'model zip: is not a zip archive, or it is truncated (no end of central directory)',
    );
  });

  it('refuses a file that is not a zip', async () => {
    const error = await problem(new TextEncoder().encode('{"not":"a zip"}'.repeat(10)));
    expect(error.message).toMatch(/not a zip archive/);
  });

  it('names the entry whose data fails its CRC', async () => {
    const zip = await exportedZip();
    const entries = await readBlobZipDirectory(new Blob([zip.slice()]));
    const onnx = entries.find((entry) => entry.name === 'onnx/model.onnx');
    if (onnx === undefined) throw new Error('no onnx entry');
    zip[onnx.dataOffset + 10] = (zip[onnx.dataOffset + 10] ?? 0) ^ 0xff;
    const error = await problem(zip);
    expect(error.place.file).toBe('onnx/model.onnx');
    expect(error.describe()).toMatch(/^onnx\/model\.onnx: fails its CRC-32 check/);
  });

  it('names the entry whose deflated data is cut short', async () => {
    const single = new Map([['config.json', new Uint8Array(4000).fill(65)]]);
    const zip = zipSync(Object.fromEntries(single), { level: 6 });
    const [entry] = await readBlobZipDirectory(new Blob([zip.slice()]));
    if (entry === undefined) throw new Error('no entry');
    // Shrink the declared compressed size in the central directory: the stream ends early.
    const view = new DataView(zip.buffer);
    const central = zip.length - 22 - (46 + 'config.json'.length);
    view.setUint32(central + 20, entry.compressedSize - 3, true);
    const error = await problem(zip);
    expect(error.place.file).toBe('config.json');
    expect(error.message).toMatch(/truncated|damaged/);
  });

  it('refuses unsafe names and duplicates', async () => {
    const climbing = zipSync({ '../evil.txt': new Uint8Array([1]) });
    expect((await problem(climbing)).message).toMatch(/climbs out/);
    const folder = mkdtempSync(join(scratch, 'dup-'));
    const [first] = writeFakeExportFolder(model, folder);
    if (first === undefined) throw new Error('no file');
    const zipFile = join(folder, 'dup.zip');
    await writeModelZip(zipFile, [first, { ...first }]);
    const error = await problem(new Uint8Array(readFileSync(zipFile)));
    expect(error.message).toMatch(/more than once/);
    expect(error.place.file).toBe(first.path);
  });
});
