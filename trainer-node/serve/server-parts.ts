import type { BlobStore } from './blob-store.ts';
import type { Catalogue } from './catalogue.ts';
import type { ServeConfig } from './serve-config.ts';

/** What the server's routes work on: the open data folder and the configuration. */
export interface ServerParts {
  catalogue: Catalogue;
  blobs: BlobStore;
  config: ServeConfig;
}
