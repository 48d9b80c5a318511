import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeZipArchive } from '../../shared/zip/write-zip-archive.ts';
import { nodeZipCodec } from '../../trainer-node/io/node-zip-codec.ts';

/**
 * Zips a folder with the project's own zip writer: entries sorted by path and one fixed timestamp,
 * so the same build gives a byte-identical zip (easy to compare with what a store serves).
 */
export async function zipDirectory(folder: string): Promise<{ bytes: Uint8Array; files: number }> {
  const paths = listFiles(folder).sort();
  const entries = paths.map((path) => ({
    path: relative(folder, path).split(sep).join('/'),
    bytes: new Uint8Array(readFileSync(path)),
  }));
  return { bytes: await writeZipArchive(entries, nodeZipCodec), files: entries.length };
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}
