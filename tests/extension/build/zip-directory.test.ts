import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { zipDirectory } from '../../../extension/build/zip-directory.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'pygbox-zip-directory-'));
  folders.push(folder);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return folder;
}

describe('zipDirectory (the extension zip)', () => {
  it('holds every file under its path relative to the folder, subfolders included', async () => {
    const folder = folderWith({ 'manifest.json': '{}', 'pages/popup.js': 'console.log(1)' });
    const zip = await zipDirectory(folder);
    expect(zip.files).toBe(2);
    const entries = unzipSync(zip.bytes);
    expect(Object.keys(entries).sort()).toEqual(['manifest.json', 'pages/popup.js']);
    expect(new TextDecoder().decode(entries['pages/popup.js'])).toBe('console.log(1)');
  });

  it('is byte-identical for the same files, whatever their times', async () => {
    const files = { 'b.js': 'b', 'a/c.js': 'c', 'manifest.json': '{"version":"1"}' };
    const first = folderWith(files);
    const second = folderWith(files);
    utimesSync(join(second, 'b.js'), new Date('2001-01-01'), new Date('2001-01-01'));
    expect(
      Buffer.from((await zipDirectory(first)).bytes).equals(Buffer.from((await zipDirectory(second)).bytes)),
    ).toBe(true);
  });
});
