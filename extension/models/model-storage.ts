/**
 * The few file operations the model library needs, by `/`-free name segments under one root.
 * In the extension it is the origin private file system (opfs-model-storage.ts); tests use the
 * in-memory one (memory-model-storage.ts), so the import logic runs in Node, where OPFS does not
 * exist.
 */
export type StoragePath = readonly string[];

export interface StorageEntry {
  name: string;
  kind: 'file' | 'directory';
}

/** A file being written: nothing is visible under its name until `close()` succeeds. */
export interface StorageFileWriter {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Drops what was written; never throws. */
  abort(): Promise<void>;
}

export interface ModelStorage {
  /** The entries of a folder; empty when it does not exist. */
  list(folder: StoragePath): Promise<StorageEntry[]>;
  /** The file's bytes as a Blob (read lazily where the platform allows), or undefined if absent. */
  read(file: StoragePath): Promise<Blob | undefined>;
  /** Starts writing a file (replacing any), creating its parent folders. */
  create(file: StoragePath): Promise<StorageFileWriter>;
  /** Moves a file into another folder (created if missing) under the same name. */
  moveFile(file: StoragePath, toFolder: StoragePath): Promise<void>;
  /** Removes a file or a folder with everything in it; no error when it is already gone. */
  remove(path: StoragePath): Promise<void>;
}
