import type { BlobStore } from './blob-store.ts';
import type { Catalogue } from './catalogue.ts';

/**
 * Which packs work in flight (an upload, a compaction) is about to name or still reads. A pack is
 * removed only when no catalogue row names it and nothing claims it, checked and removed in one
 * synchronous step, so nothing can claim or name it in between.
 */
export class BlobClaims {
  private readonly claims = new Map<string, number>();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly blobs: BlobStore,
  ) {}

  claim(names: readonly string[]): void {
    for (const name of names) this.claims.set(name, (this.claims.get(name) ?? 0) + 1);
  }

  /** Drops these claims, then removes the candidates nothing names or claims any more. */
  release(claimed: readonly string[], candidates: readonly string[]): void {
    for (const name of claimed) {
      const left = (this.claims.get(name) ?? 1) - 1;
      if (left === 0) this.claims.delete(name);
      else this.claims.set(name, left);
    }
    for (const name of new Set(candidates)) {
      if (!this.claims.has(name) && !this.catalogue.isBlobNamed(name)) this.blobs.removeSync(name);
    }
  }
}
