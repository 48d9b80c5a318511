import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetShard } from './dataset-index.ts';
import type { SplitName } from './split-episode.ts';
import type { TrainingExample } from './training-example.ts';

/** Tokens buffered before a write: 4 MiB of ids, 1 MiB of mask. */
const BUFFER_TOKENS = 1 << 20;

/**
 * Writes one split's examples into shard files as they come, so a build of millions of examples
 * never holds them all: ids as little-endian uint32, the mask as one byte per token. A new shard
 * starts when the current one reaches `shardTokens`. Packs are formed on the way: consecutive
 * examples are joined while their total stays within `packLength`.
 */
export class ShardWriter {
  readonly shards: DatasetShard[] = [];
  examples = 0;
  tokens = 0;
  trainedTokens = 0;
  private current: (DatasetShard & { idsFd: number; maskFd: number; packTokens: number }) | undefined;
  private readonly ids = new Uint32Array(BUFFER_TOKENS);
  private readonly mask = new Uint8Array(BUFFER_TOKENS);
  private buffered = 0;

  constructor(
    private readonly folder: string,
    private readonly split: SplitName,
    private readonly options: { shardTokens: number; packLength: number },
  ) {}

  add(example: TrainingExample): void {
    const length = example.length;
    if (
      this.current === undefined ||
      (this.current.tokens > 0 && this.current.tokens + length > this.options.shardTokens)
    ) {
      this.openShard();
    }
    const shard = this.current;
    if (shard === undefined) throw new Error('no shard open');
    shard.exampleOffsets.push(shard.tokens);
    shard.exampleLengths.push(length);
    shard.promptLengths.push(example.promptLength);
    if (shard.packStarts.length === 0 || shard.packTokens + length > this.options.packLength) {
      shard.packStarts.push(shard.exampleOffsets.length - 1);
      shard.packTokens = 0;
    }
    shard.packTokens += length;
    shard.tokens += length;
    let position = 0;
    for (const piece of example.pieces) {
      this.copy(piece, position < example.promptLength ? 0 : 1);
      position += piece.length;
    }
    this.examples += 1;
    this.tokens += length;
    this.trainedTokens += length - example.promptLength;
  }

  /** Copies one piece into the buffer (flushing as it fills); pieces never straddle the prompt end. */
  private copy(piece: Uint32Array, trained: 0 | 1): void {
    let from = 0;
    while (from < piece.length) {
      if (this.buffered === BUFFER_TOKENS) this.flush();
      const count = Math.min(piece.length - from, BUFFER_TOKENS - this.buffered);
      this.ids.set(piece.subarray(from, from + count), this.buffered);
      this.mask.fill(trained, this.buffered, this.buffered + count);
      this.buffered += count;
      from += count;
    }
  }

  /** Closes the last shard; returns the shards for the index. */
  finish(): DatasetShard[] {
    this.closeShard();
    return this.shards;
  }

  private openShard(): void {
    this.closeShard();
    const base = `${this.split}-${String(this.shards.length).padStart(5, '0')}`;
    this.current = {
      ids: `${base}.ids.bin`,
      mask: `${base}.mask.bin`,
      tokens: 0,
      exampleOffsets: [],
      exampleLengths: [],
      promptLengths: [],
      packStarts: [],
      idsFd: openSync(join(this.folder, `${base}.ids.bin`), 'w'),
      maskFd: openSync(join(this.folder, `${base}.mask.bin`), 'w'),
      packTokens: 0,
    };
  }

  private flush(): void {
    const shard = this.current;
    if (shard === undefined || this.buffered === 0) return;
    // Typed arrays are little-endian on every platform Node runs on (x86-64, arm64).
    writeAll(shard.idsFd, new Uint8Array(this.ids.buffer, 0, this.buffered * 4));
    writeAll(shard.maskFd, this.mask.subarray(0, this.buffered));
    this.buffered = 0;
  }

  private closeShard(): void {
    const shard = this.current;
    if (shard === undefined) return;
    this.flush();
    closeSync(shard.idsFd);
    closeSync(shard.maskFd);
    const { idsFd: _ids, maskFd: _mask, packTokens: _pack, ...record } = shard;
    this.shards.push(record);
    this.current = undefined;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}
