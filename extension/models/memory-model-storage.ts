import type { ModelStorage, StorageEntry, StoragePath } from './model-storage.ts';

/**
 * ModelStorage in memory, for tests (and any platform without OPFS): a map from joined path to
 * bytes. Folders exist implicitly while some file lies below them, as the importer never relies on
 * an empty folder. `failWritesAfter` simulates a full disk.
 */
export class MemoryModelStorage implements ModelStorage {
  readonly files = new Map<string, Uint8Array>();
  /** Throws a QuotaExceededError-like error once this many more bytes would be written. */
  failWritesAfter: number | undefined;

  async list(folder: StoragePath): Promise<StorageEntry[]> {
    const prefix = folder.length === 0 ? '' : `${folder.join('/')}/`;
    const seen = new Map<string, StorageEntry['kind']>();
    for (const key of this.files.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length).split('/');
      const name = rest[0];
      if (name !== undefined) seen.set(name, rest.length === 1 ? 'file' : 'directory');
    }
    return [...seen].map(([name, kind]) => ({ name, kind }));
  }

  async read(file: StoragePath): Promise<Blob | undefined> {
    const bytes = this.files.get(file.join('/'));
    return bytes === undefined ? undefined : new Blob([bytes.slice()]);
  }

  async create(file: StoragePath) {
    const chunks: Uint8Array[] = [];
    const key = file.join('/');
    return {
      write: async (bytes: Uint8Array) => {
        if (this.failWritesAfter !== undefined) {
          this.failWritesAfter -= bytes.length;
          if (this.failWritesAfter < 0) throw new DOMException('quota', 'QuotaExceededError');
        }
        chunks.push(bytes.slice());
      },
      close: async () => {
        const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        const joined = new Uint8Array(size);
        let at = 0;
        for (const chunk of chunks) {
          joined.set(chunk, at);
          at += chunk.length;
        }
        this.files.set(key, joined);
      },
      abort: async () => {
        chunks.length = 0;
      },
    };
  }

  async moveFile(file: StoragePath, toFolder: StoragePath): Promise<void> {
    const key = file.join('/');
    const bytes = this.files.get(key);
    const name = file[file.length - 1];
    if (bytes === undefined || name === undefined) throw new DOMException('no such file', 'NotFoundError');
    this.files.delete(key);
    this.files.set([...toFolder, name].join('/'), bytes);
  }

  async remove(path: StoragePath): Promise<void> {
    const key = path.join('/');
    for (const existing of [...this.files.keys()]) {
      if (existing === key || existing.startsWith(`${key}/`)) this.files.delete(existing);
    }
  }
}
