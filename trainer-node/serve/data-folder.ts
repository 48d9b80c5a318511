import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { BlobStore } from './blob-store.ts';
import { Catalogue } from './catalogue.ts';

export interface OpenDataFolder {
  catalogue: Catalogue;
  blobs: BlobStore;
  /** What the start-up check found and repaired. */
  recovered: { temporaryFiles: number; unnamedBlobs: number; missingBlobs: number };
  close(): void;
}

const LOCK_FILE = 'serve.lock';

/**
 * Opens the data folder for a server: takes its lock (one server per folder), then brings it back
 * to a consistent state after a crash or kill: half-written files in `tmp/` are removed, and so
 * are blobs no catalogue row names (written by an upload that never committed). A row whose blob
 * is missing cannot be repaired; it is counted and reported.
 */
export async function openDataFolderForServer(dataDir: string): Promise<OpenDataFolder> {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE);
  takeLock(lockPath);
  try {
    const catalogue = Catalogue.open(dataDir);
    const blobs = await BlobStore.open(dataDir);
    const temporaryFiles = blobs.removeTemporaryFiles();
    const named = catalogue.namedBlobs();
    let unnamedBlobs = 0;
    for (const blob of blobs.listSync()) {
      if (named.has(blob)) continue;
      blobs.removeSync(blob);
      unnamedBlobs += 1;
    }
    let missingBlobs = 0;
    for (const blob of named) if (!blobs.has(blob)) missingBlobs += 1;
    return {
      catalogue,
      blobs,
      recovered: { temporaryFiles, unnamedBlobs, missingBlobs },
      close: () => {
        catalogue.close();
        rmSync(lockPath, { force: true });
      },
    };
  } catch (error) {
    rmSync(lockPath, { force: true });
    throw error;
  }
}

/** Opens the data folder to read (an export), beside a running server or not. */
export async function openDataFolderToRead(
  dataDir: string,
): Promise<{ catalogue: Catalogue; blobs: BlobStore }> {
  const catalogue = Catalogue.open(dataDir, { readonly: true });
  return { catalogue, blobs: await BlobStore.open(dataDir) };
}

/** A lock whose process is gone (killed, crashed) is taken over. */
function takeLock(lockPath: string): void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
    const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
      throw new PygboxError('usage', `another pygbox serve (process ${holder}) is using this data folder`, {
        place: { file: lockPath },
        hint: 'stop that server first, or give this one another --data folder',
      });
    }
    rmSync(lockPath, { force: true });
  }
  throw new PygboxError('usage', 'could not lock the data folder', {
    place: { file: lockPath },
    hint: 'another server may be starting on the same folder; try again',
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
