/**
 * What the generation loop needs from a language model, and no more: run some ids after what a
 * cache already holds and return the last position's logits and the grown cache. The real one is
 * transformers.js over ONNX Runtime (`transformers-decoder.ts`); the loop's tests drive a table.
 *
 * A cache passed to `forward` is consumed: the model may free or reuse its buffers, so the caller
 * keeps only the cache it gets back. A cache nobody will use again goes to `disposeCache` (on
 * WebGPU its tensors are GPU buffers that garbage collection does not free).
 */
export interface DecoderModel<Cache> {
  forward(ids: readonly number[], cache: Cache | undefined): Promise<DecoderStep<Cache>>;
  disposeCache(cache: Cache): Promise<void>;
}

export interface DecoderStep<Cache> {
  /** Logits of the last position fed, one per vocabulary entry. */
  logits: Float32Array;
  /** Covers every id fed so far, the ones passed in included. */
  cache: Cache;
}
