import type { BlobClaims } from './blob-claims.ts';
import { BlobStore } from './blob-store.ts';
import type { Catalogue } from './catalogue.ts';

/**
 * Keeps one copy of each chat on disk, not only in the catalogue: when an upload replaces copies,
 * the packs that held them are written again with only their kept copies, and the old packs go.
 * Compactions run one at a time, after the upload has been answered. A crash at any step leaves
 * the old pack named (the new one is swept at the next start) or the new one named (the old one
 * is swept), never a row without its pack.
 */
export class PackCompactor {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly blobs: BlobStore,
    private readonly claims: BlobClaims,
    private readonly log: (line: string) => void,
  ) {}

  /** Compacts these packs, later, if they still hold replaced copies. */
  schedule(packs: readonly string[]): void {
    for (const pack of new Set(packs)) {
      this.queue = this.queue
        .then(() => this.compact(pack))
        .catch((error: unknown) => {
          // The pack stays as it was: consistent, only larger than it needs to be.
          this.log(`could not compact a pack: ${error instanceof Error ? error.message : String(error)}`);
        });
    }
  }

  /** Waits for the compactions scheduled so far (tests, a stopping server). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Every pack that holds replaced copies (at start, after a crash between replacing and compacting). */
  scheduleAll(): void {
    const stale: string[] = [];
    for (const [pack, live] of this.catalogue.liveBytesPerPack()) {
      const size = this.blobs.sizeOf(pack);
      if (size !== undefined && size > live) stale.push(pack);
    }
    this.schedule(stale);
  }

  private async compact(pack: string): Promise<void> {
    this.claims.claim([pack]);
    let written: string | undefined;
    try {
      const size = this.blobs.sizeOf(pack);
      const copies = this.catalogue.copiesIn(pack);
      const live = copies.reduce((sum, copy) => sum + copy.length + 1, 0);
      if (size === undefined || copies.length === 0 || live >= size) return;
      const old = await this.blobs.read(pack);
      const bytes = new Uint8Array(live);
      const moves: {
        key: string;
        fromOffset: number;
        to: { blob: string; offset: number; length: number };
      }[] = [];
      let at = 0;
      for (const copy of copies) {
        const json = old.subarray(copy.offset, copy.offset + copy.length);
        if (BlobStore.hash(json) !== copy.sha256) throw new Error(`a copy in pack ${pack} is damaged`);
        bytes.set(json, at);
        moves.push({
          key: copy.key,
          fromOffset: copy.offset,
          to: { blob: '', offset: at, length: copy.length },
        });
        at += copy.length;
        bytes[at] = 0x0a;
        at += 1;
      }
      written = BlobStore.hash(bytes);
      this.claims.claim([written]);
      await this.blobs.put(bytes);
      const target = written;
      const moved = this.catalogue.moveCopies(
        pack,
        moves.map((move) => ({ ...move, to: { ...move.to, blob: target } })),
      );
      this.log(`compacted a pack: ${moved} copies kept, ${size - live} bytes of replaced copies removed`);
    } finally {
      const claimed = written === undefined ? [pack] : [pack, written];
      this.claims.release(claimed, claimed);
    }
  }
}
