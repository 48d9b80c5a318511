import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeModelZip, type ZipSource } from '../../../trainer-node/export/write-model-zip.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';

const root = mkdtempSync(join(tmpdir(), 'pygbox-model-zip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sources(): ZipSource[] {
  const files: Array<[string, Buffer]> = [
    ['config.json', Buffer.from('{"model_type":"opt"}\n')],
    ['onnx/model.onnx', Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251))],
    ['empty.txt', Buffer.alloc(0)],
  ];
  return files.map(([path, data]) => {
    const file = join(root, path.replaceAll('/', '_'));
    writeFileSync(file, data);
    return { path, file, bytes: data.length };
  });
}

/** Python's zipfile: an independent reader that checks every CRC and understands ZIP64. */
function readBack(zipFile: string): Array<{ name: string; size: number; method: number; date: number[] }> {
  const script = [
    'import json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'assert z.testzip() is None',
    'print(json.dumps([{"name": i.filename, "size": i.file_size, "method": i.compress_type, "date": list(i.date_time)} for i in z.infolist()]))',
  ].join('\n');
  const stdout = execFileSync(workerPaths().python, ['-c', script, zipFile], { encoding: 'utf8' });
  return z
    .array(z.object({ name: z.string(), size: z.number(), method: z.number(), date: z.array(z.number()) }))
    .parse(JSON.parse(stdout));
}

describe('the model zip', () => {
  it('stores every file with its CRC and a fixed timestamp, the same bytes every time', async () => {
    const input = sources();
    await writeModelZip(join(root, 'a.zip'), input);
    await writeModelZip(join(root, 'b.zip'), input);
    expect(readBack(join(root, 'a.zip'))).toEqual([
      { name: 'config.json', size: 21, method: 0, date: [1980, 1, 1, 12, 0, 0] },
      { name: 'onnx/model.onnx', size: 300_000, method: 0, date: [1980, 1, 1, 12, 0, 0] },
      { name: 'empty.txt', size: 0, method: 0, date: [1980, 1, 1, 12, 0, 0] },
    ]);
    expect(readFileSync(join(root, 'a.zip')).equals(readFileSync(join(root, 'b.zip')))).toBe(true);
  });

  it('writes the ZIP64 records a file over 4 GiB needs, in a form readers accept', async () => {
    await writeModelZip(join(root, 'z64.zip'), sources(), { forceZip64: true });
    expect(readBack(join(root, 'z64.zip')).map((entry) => entry.size)).toEqual([21, 300_000, 0]);
    const bytes = readFileSync(join(root, 'z64.zip'));
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBeGreaterThan(0); // ZIP64 end record
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBeGreaterThan(0); // and its locator
  });

  it('leaves no zip when a file changed size under it', async () => {
    const [first] = sources();
    if (first === undefined) throw new Error('no source');
    await expect(
      writeModelZip(join(root, 'bad.zip'), [{ ...first, bytes: first.bytes + 1 }]),
    ).rejects.toThrow(/changed size while being zipped/);
    expect(() => statSync(join(root, 'bad.zip'))).toThrow();
  });
});
