import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { SHA256_HEX_PATTERN } from '../../shared/zip/sha256-hex.ts';

/**
 * Content-addressed files: each blob lives at `blobs/<sha256[0:2]>/<sha256>` under the data folder.
 * A blob is written to `tmp/` first, flushed to disk, then renamed into place and its folder
 * flushed, so a blob that exists is whole and a crash leaves at most a file in `tmp/`, which the
 * next start removes. The catalogue names a blob only after `put` has returned.
 */
export class BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;

  private constructor(dataDir: string) {
    this.blobsDir = join(dataDir, 'blobs');
    this.tmpDir = join(dataDir, 'tmp');
  }

  /** Opens the store, creating its folders. Never touches `tmp/`: see `removeTemporaryFiles`. */
  static async open(dataDir: string): Promise<BlobStore> {
    const store = new BlobStore(dataDir);
    await mkdir(store.blobsDir, { recursive: true });
    await mkdir(store.tmpDir, { recursive: true });
    return store;
  }

  static hash(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** Removes what an interrupted write left; call only while no other process writes here. */
  removeTemporaryFiles(): number {
    const names = readdirSync(this.tmpDir);
    for (const name of names) rmSync(join(this.tmpDir, name), { force: true, recursive: true });
    return names.length;
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX_PATTERN.test(sha256)) throw new Error(`not a blob name: ${JSON.stringify(sha256)}`);
    return join(this.blobsDir, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  /** The blob's size in bytes, or undefined when there is none. */
  sizeOf(sha256: string): number | undefined {
    try {
      return statSync(this.pathOf(sha256)).size;
    } catch {
      return undefined;
    }
  }

  /** Stores `bytes` durably and returns their sha256; a blob already there is not written again. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = BlobStore.hash(bytes);
    const target = this.pathOf(sha256);
    if (existsSync(target)) return sha256;
    const folder = join(this.blobsDir, sha256.slice(0, 2));
    const temporary = join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(folder, { recursive: true });
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, target);
      await syncFolder(folder);
    } catch (cause) {
      await rm(temporary, { force: true });
      throw new PygboxError('output-failed', 'could not store an upload on disk; nothing of it was kept', {
        place: { file: folder },
        hint: 'check that the data folder is writable and the disk has room',
        cause,
      });
    }
    return sha256;
  }

  /** Reads a blob and checks that its content still hashes to its name. */
  async read(sha256: string): Promise<Uint8Array> {
    const path = this.pathOf(sha256);
    const bytes = await readFile(path).catch((cause: unknown) => {
      throw new PygboxError('input-unreadable', 'a stored chat is missing from the data folder', {
        place: { file: path },
        hint: 'the data folder was changed by hand or damaged; restore it from a backup',
        cause,
      });
    });
    if (BlobStore.hash(bytes) !== sha256) {
      throw new PygboxError(
        'input-unreadable',
        'a stored chat is damaged (its content no longer matches its name)',
        {
          place: { file: path },
          hint: 'restore the data folder from a backup',
        },
      );
    }
    return bytes;
  }

  /** Synchronous so a caller can decide and remove in one step, with no upload in between. */
  removeSync(sha256: string): void {
    try {
      unlinkSync(this.pathOf(sha256));
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
  }

  /** Every blob name on disk. */
  listSync(): string[] {
    const names: string[] = [];
    for (const folder of readdirSync(this.blobsDir)) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      for (const name of readdirSync(join(this.blobsDir, folder))) {
        if (SHA256_HEX_PATTERN.test(name) && name.startsWith(folder)) names.push(name);
      }
    }
    return names;
  }
}

/** A rename is durable only once the folder holding the new name is flushed too. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
