import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { readBlobZipDirectory } from '../../../extension/models/blob-zip-directory.ts';
import { zipImportSource } from '../../../extension/models/model-import-source.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { writeModelZip } from '../../../trainer-node/export/write-model-zip.ts';
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
    const chunks: number[] = [];
    await source.stream(path, async (chunk) => void chunks.push(...chunk));
    out.set(path, Uint8Array.from(chunks));
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

async function problem(zip: Uint8Array): Promise<PygboxError> {
  try {
    await readAll(zip);
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('the zip was accepted');
}

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
    expect(error.message).toMatch(/truncated/);
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
    expect(error.message).toMatch(/CRC-32/);
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
