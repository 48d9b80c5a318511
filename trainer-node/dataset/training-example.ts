/**
 * One training example: its token ids, as the pieces the builder assembled them from (persona,
 * history lines, cue, reply, EOS), and the position where the trained span starts. Everything
 * before `promptLength` (the tokenizer's prefix, persona, history, the `{char}:` cue) is masked;
 * the reply and its end-of-sequence token after it are trained. Decided by position alone: OPT's
 * prefix `</s>` and its EOS are the same id. The pieces (each message's ids, shared by every
 * example that holds the message) are kept so the shard writer copies each straight into its
 * buffer instead of a flat array being made per example.
 */
export class TrainingExample {
  readonly length: number;
  private flat: number[] | undefined;

  constructor(
    readonly pieces: readonly Uint32Array[],
    readonly promptLength: number,
  ) {
    let length = 0;
    for (const piece of pieces) length += piece.length;
    this.length = length;
  }

  /** All ids in order (made on first use: previews, checks and tests). */
  get ids(): number[] {
    if (this.flat === undefined) {
      const flat: number[] = [];
      for (const piece of this.pieces) for (const id of piece) flat.push(id);
      this.flat = flat;
    }
    return this.flat;
  }
}
