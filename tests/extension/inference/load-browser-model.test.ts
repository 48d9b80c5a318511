import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '@huggingface/transformers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBrowserModel } from '../../../extension/inference/load-browser-model.ts';
import type { ModelFileSource } from '../../../shared/model/model-file-source.ts';
import { type ModelManifest, modelManifestSchema } from '../../../shared/model/model-manifest.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import { tokenizerFolder } from '../../trainer-node/dataset/tokenizer-fixture.ts';

// configure-transformers asks the extension for its ort/ folder; Node is no extension.
vi.mock('webextension-polyfill', () => ({
  default: { runtime: { getURL: (path: string) => `chrome-extension://test/${path}` } },
}));

// Sessions are ONNX Runtime's (Chromium: tests/e2e/browser-runtime.test.ts); here a stand-in model
// per load lets a test make WebGPU fail on purpose, which no real browser here does on demand.
const fromPretrained = vi.hoisted(() => vi.fn());
vi.mock('@huggingface/transformers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@huggingface/transformers')>()),
  AutoModelForCausalLM: { from_pretrained: fromPretrained },
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
  afterEach(() => expect(fromPretrained).not.toHaveBeenCalled());

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

interface StandIn {
  device: string;
  dtype: string;
  dispose: ReturnType<typeof vi.fn>;
}

/** A model that answers one step with logits and a one-layer cache, or fails as told. */
function standIn(device: string, dtype: string, fail: boolean): StandIn & { forward: () => unknown } {
  return {
    device,
    dtype,
    dispose: vi.fn(async () => []),
    async forward() {
      if (fail) throw new Error('no kernel for MatMulNBits on this adapter');
      return {
        logits: new Tensor('float32', new Float32Array(4), [1, 1, 4]),
        'present.0.key': new Tensor('float32', new Float32Array(0), [1, 1, 0, 1]),
      };
    },
  };
}

describe('loadBrowserModel on WebGPU that fails', () => {
  const made: StandIn[] = [];

  async function modelFiles(): Promise<Record<string, string>> {
    const folder = await tokenizerFolder('opt');
    return {
      'config.json': JSON.stringify({ model_type: 'opt', max_position_embeddings: 256, eos_token_id: 2 }),
      'tokenizer.json': readFileSync(join(folder, 'tokenizer.json'), 'utf8'),
      'tokenizer_config.json': readFileSync(join(folder, 'tokenizer_config.json'), 'utf8'),
    };
  }

  /** WebGPU with shader-f16; `failOn` says which step of a WebGPU load breaks. */
  function gpuThatFails(failOn: 'session' | 'probe'): void {
    vi.stubGlobal('navigator', {
      hardwareConcurrency: 2,
      gpu: { requestAdapter: async () => ({ features: new Set(['shader-f16']) }) },
    });
    fromPretrained.mockImplementation(async (_key: string, options: { device: string; dtype: string }) => {
      if (options.device === 'webgpu' && failOn === 'session') throw new Error('device lost');
      const model = standIn(options.device, options.dtype, options.device === 'webgpu');
      made.push(model);
      return model;
    });
  }

  afterEach(() => {
    vi.unstubAllGlobals();
    fromPretrained.mockReset();
    made.length = 0;
  });

  it('loads again on WASM, with the fastest WASM file, saying why, when the first step fails', async () => {
    gpuThatFails('probe');
    const model = await loadBrowserModel({ ...request(await modelFiles()), device: 'auto' });
    expect(made.map(({ device, dtype }) => `${device} ${dtype}`)).toEqual(['webgpu q4', 'wasm fp32']);
    // The WebGPU session that failed is released before the WASM one is made.
    expect(made[0]?.dispose).toHaveBeenCalledOnce();
    expect(made[1]?.dispose).not.toHaveBeenCalled();
    expect(model.runtime).toMatchObject({ device: 'wasm', dtype: 'fp32' });
    expect(model.runtime.fellBack).toContain('no kernel for MatMulNBits');
    expect(model.eosIds).toEqual([2]);
    await model.dispose();
    expect(made[1]?.dispose).toHaveBeenCalledOnce();
  });

  it('loads again on WASM, keeping the chosen dtype, when the WebGPU session cannot be made', async () => {
    gpuThatFails('session');
    const model = await loadBrowserModel({ ...request(await modelFiles()), device: 'webgpu', dtype: 'q4' });
    expect(made.map(({ device, dtype }) => `${device} ${dtype}`)).toEqual(['wasm q4']);
    expect(model.runtime).toMatchObject({ device: 'wasm', dtype: 'q4' });
    expect(model.runtime.fellBack).toContain('device lost');
    await model.dispose();
  });

  it('does not retry a WASM load that fails, and releases its session', async () => {
    gpuThatFails('probe');
    fromPretrained.mockImplementation(async (_key: string, options: { device: string; dtype: string }) => {
      const model = standIn(options.device, options.dtype, true);
      made.push(model);
      return model;
    });
    const error = await pygboxRejection(loadBrowserModel(request(await modelFiles())));
    expect([error.code, error.place.file]).toEqual(['input-unreadable', 'onnx/model.onnx']);
    expect(made).toHaveLength(1);
    expect(made[0]?.dispose).toHaveBeenCalledOnce();
  });
});
