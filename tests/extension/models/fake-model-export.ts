import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { MODEL_MANIFEST_PATH, type ModelManifest } from '../../../shared/model/model-manifest.ts';

/**
 * A small export folder that passes every import check: a `pygbox-model.json` whose sizes and
 * sha256 match small files. The "ONNX" file is filler bytes; import does not load the graph, and
 * the chat e2e imports a real exported model.
 */
export interface FakeModelExport {
  /** Every file, the descriptor included, by its path in the folder. */
  files: Map<string, Uint8Array>;
  manifest: ModelManifest;
  manifestBytes: Uint8Array;
}

const encoder = new TextEncoder();

function filler(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

export function fakeModelExport(
  options: { name?: string; onnxBytes?: number; seed?: number } = {},
): FakeModelExport {
  const content = new Map<string, Uint8Array>([
    ['config.json', encoder.encode('{"model_type":"opt","vocab_size":50272}\n')],
    ['tokenizer.json', encoder.encode('{"version":"1.0","model":{"type":"BPE"}}\n')],
    ['README.md', encoder.encode('# Fake model\n\nParity: fp32 max |logit diff| 1e-5.\n')],
    ['onnx/model.onnx', filler(options.onnxBytes ?? 3000, options.seed ?? 7)],
    ['onnx/model_q4.onnx', filler(1000, (options.seed ?? 7) + 1)],
  ]);
  const manifest: ModelManifest = {
    format: 'pygbox-model',
    version: 1,
    name: options.name ?? 'fake-model',
    base_model: 'facebook/opt-125m',
    model_type: 'opt',
    special_tokens: { bos_token_id: 2, eos_token_id: 2, pad_token_id: 1 },
    steps: 120,
    prompt_format_version: 1,
    dtypes: ['fp32', 'q4'],
    parity: {
      fp32: {
        max_logit_diff_no_cache: 0.00002,
        max_logit_diff_with_cache: 0.00003,
        greedy_tokens: 32,
        greedy_identical: true,
        threshold: 0.001,
      },
      quantized: [
        {
          dtype: 'q4',
          file: 'onnx/model_q4.onnx',
          perplexity: 12.5,
          fp32_perplexity: 12,
          perplexity_increase_pct: 4.17,
          top1_agreement: 0.93,
          positions: 256,
          max_logit_diff_cache_vs_no_cache: 0.0001,
          max_perplexity_increase_pct: 15,
          min_top1_agreement: 0.8,
        },
      ],
      eval_source: null,
    },
    files: [...content].map(([path, bytes]) => ({
      path,
      bytes: bytes.length,
      sha256: bytesToHex(sha256(bytes)),
    })),
  };
  const manifestBytes = encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const files = new Map([[MODEL_MANIFEST_PATH, manifestBytes], ...content]);
  return { files, manifest, manifestBytes };
}

/** Writes the export as a folder on disk (for `writeModelZip`, which zips files from disk). */
export function writeFakeExportFolder(
  model: FakeModelExport,
  folder: string,
): { path: string; file: string; bytes: number }[] {
  return [...model.files].map(([path, bytes]) => {
    const file = join(folder, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    return { path, file, bytes: bytes.length };
  });
}

export const manifestId = (model: FakeModelExport): string => bytesToHex(sha256(model.manifestBytes));
