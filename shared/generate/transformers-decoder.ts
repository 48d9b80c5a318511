import { type PreTrainedModel, Tensor } from '@huggingface/transformers';
import { PygboxError } from '../errors/pygbox-error.ts';
import type { DecoderModel } from './decoder-model.ts';

/**
 * The KV cache of a transformers.js decoder: the `past_key_values.{layer}.key|value` tensors the
 * graph takes, and how many positions they hold.
 */
export interface TransformersCache {
  tensors: Record<string, Tensor>;
  length: number;
}

const PRESENT_PREFIX = 'present';
const PAST_PREFIX = 'past_key_values';

/**
 * A DecoderModel over a transformers.js causal LM (`AutoModelForCausalLM.from_pretrained`), one
 * sequence at a time. Each call goes through the model's own `forward`, which fills what the graph
 * declares and we do not (the empty first-step cache from the graph's axis names, `use_cache_branch`
 * of merged decoders) and picks the inputs the session has. We pass:
 *   - input_ids: the new ids only, the cache holding the rest;
 *   - attention_mask: ones over cache and new ids (one sequence, no padding);
 *   - position_ids (dropped by forward when the graph has none): the new ids' positions,
 *     continuing after the cache, as Hugging Face's OPT computes them from the mask;
 *   - past_key_values: the previous step's `present.*` outputs, renamed.
 * We read the last position's logits, keep the new `present.*` as the next cache, and dispose what
 * is dropped (the old cache, the logits, outputs we do not keep): on WebGPU those are GPU buffers.
 */
export function transformersDecoder(model: PreTrainedModel): DecoderModel<TransformersCache> {
  return {
    async forward(ids, cache) {
      if (ids.length === 0) throw new Error('forward needs at least one new id');
      const past = cache?.length ?? 0;
      const total = past + ids.length;
      const inputs: Record<string, unknown> = {
        input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
        position_ids: new Tensor(
          'int64',
          BigInt64Array.from(ids, (_id, index) => BigInt(past + index)),
          [1, ids.length],
        ),
        past_key_values: cache?.tensors ?? null,
      };
      let outputs: Record<string, unknown>;
      try {
        outputs = (await model.forward(inputs)) as Record<string, unknown>;
      } catch (cause) {
        // The cache was handed over: free it here, or a failed step would leak its GPU buffers.
        if (cache !== undefined) disposeTensors(cache.tensors, new Set());
        throw new PygboxError('input-unreadable', 'the model failed to run', {
          hint: 'check that the model folder was written by `pygbox export` (ONNX with past_key_values inputs and present outputs)',
          cause,
        });
      }
      const logits = outputs.logits;
      const freeAll = () => {
        for (const value of Object.values(outputs)) if (value instanceof Tensor) value.dispose();
        if (cache !== undefined) disposeTensors(cache.tensors, new Set());
      };
      if (!(logits instanceof Tensor)) {
        freeAll();
        throw new PygboxError('input-unreadable', 'the model returned no logits', {
          place: { field: 'logits' },
          hint: 'export the model as a causal LM (text-generation-with-past)',
        });
      }
      const tensors: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(outputs)) {
        if (name.startsWith(PRESENT_PREFIX) && value instanceof Tensor) {
          tensors[PAST_PREFIX + name.slice(PRESENT_PREFIX.length)] = value;
        }
      }
      if (Object.keys(tensors).length === 0) {
        freeAll();
        throw new PygboxError('input-unreadable', 'the model returns no present.* cache outputs', {
          place: { field: 'present.*' },
          hint: 'export with the KV cache (past_key_values inputs, present outputs) so replies do not recompute the prompt each token',
        });
      }
      const lastLogits = lastRow(logits);
      const kept = new Set<unknown>(Object.values(tensors));
      for (const value of Object.values(outputs)) {
        if (value instanceof Tensor && !kept.has(value)) value.dispose();
      }
      if (cache !== undefined) disposeTensors(cache.tensors, kept);
      return { logits: lastLogits, cache: { tensors, length: total } };
    },
    async disposeCache(cache) {
      disposeTensors(cache.tensors, new Set());
    },
  };
}

/** The last position's logits of a [1, sequence, vocabulary] tensor, copied out as float32. */
function lastRow(logits: Tensor): Float32Array {
  const vocabulary = logits.dims.at(-1) ?? 0;
  const rows = logits.dims.at(-2) ?? 1;
  const asFloat = logits.type === 'float32' ? logits : logits.to('float32');
  const data = asFloat.data;
  if (!(data instanceof Float32Array) || vocabulary === 0) {
    throw new PygboxError('input-unreadable', `the model's logits are ${logits.type}, not float`, {
      place: { field: 'logits' },
    });
  }
  const row = data.slice((rows - 1) * vocabulary, rows * vocabulary);
  if (asFloat !== logits) asFloat.dispose();
  return row;
}

function disposeTensors(tensors: Record<string, Tensor>, keep: ReadonlySet<unknown>): void {
  for (const tensor of Object.values(tensors)) if (!keep.has(tensor)) tensor.dispose();
}
