import { describe, expect, it, vi } from 'vitest';
import { loadBrowserModel } from '../../../extension/inference/load-browser-model.ts';
import type { ModelFileSource } from '../../../shared/model/model-file-source.ts';
import { type ModelManifest, modelManifestSchema } from '../../../shared/model/model-manifest.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';

// configure-transformers asks the extension for its ort/ folder; Node is no extension.
vi.mock('webextension-polyfill', () => ({
  default: { runtime: { getURL: (path: string) => `chrome-extension://test/${path}` } },
}));

/**
 * The checks loadBrowserModel makes before any session exists (the loading itself runs in
 * Chromium: tests/e2e/browser-runtime.test.ts). Each refusal names the file or field, never text.
 */

const SHA = 'a'.repeat(64);
const manifest: ModelManifest = modelManifestSchema.parse({
  format: 'pygbox-model',
  version: 1,
  name: 'tiny',
  base_model: null,
  model_type: 'opt',
  special_tokens: { bos_token_id: 2, eos_token_id: 2, pad_token_id: 1 },
  steps: 0,
  prompt_format_version: 1,
  dtypes: ['fp32', 'q4'],
  parity: {
    fp32: {
      max_logit_diff_no_cache: 0,
      max_logit_diff_with_cache: 0,
      greedy_tokens: 16,
      greedy_identical: true,
      threshold: 1e-4,
    },
    quantized: [],
    eval_source: null,
  },
  files: [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'onnx/model.onnx',
    'onnx/model_q4.onnx',
  ].map((path) => ({ path, bytes: 1, sha256: SHA })),
});

function source(files: Record<string, string>): ModelFileSource {
  return {
    async read(path) {
      const text = files[path];
      return text === undefined ? undefined : new Blob([text]);
    },
  };
}

const request = (files: Record<string, string>) => ({
  modelId: 'm',
  manifest,
  files: source(files),
  device: 'wasm' as const,
  dtype: 'auto' as const,
});

describe('loadBrowserModel refuses before loading', () => {
  it('a dtype the model lacks, with the ones it has', async () => {
    const error = await pygboxRejection(loadBrowserModel({ ...request({}), dtype: 'q8' }));
    expect([error.code, error.place.field]).toEqual(['usage', 'dtype']);
    expect(error.hint).toContain('fp32, q4');
  });

  it('a missing config.json or tokenizer file, naming it', async () => {
    expect((await pygboxRejection(loadBrowserModel(request({})))).place.file).toBe('config.json');
    const config = JSON.stringify({ model_type: 'opt', max_position_embeddings: 256 });
    const error = await pygboxRejection(loadBrowserModel(request({ 'config.json': config })));
    expect(error.place.file).toBe('tokenizer.json');
  });

  it('a config.json that is not JSON or lacks the model type, naming the field', async () => {
    const notJson = await pygboxRejection(loadBrowserModel(request({ 'config.json': '{"model_type": ' })));
    expect([notJson.code, notJson.place.file]).toEqual(['input-unreadable', 'config.json']);
    const noType = await pygboxRejection(loadBrowserModel(request({ 'config.json': '{}' })));
    expect(noType.place).toEqual({ file: 'config.json', field: 'model_type' });
  });
});
