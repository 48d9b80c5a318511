import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../../shared/model/model-manifest.ts';

/**
 * The descriptor schema the extension's importer will parse `pygbox-model.json` with (the real
 * export's descriptor is parsed in export-cli.test.ts). What it must refuse: paths an importer could
 * be tricked into writing outside the model's folder, and a dtype without its file.
 */

const SHA = 'a'.repeat(64);

function manifest(files: Array<{ path: string }>, dtypes = ['fp32']): unknown {
  return {
    format: 'pygbox-model',
    version: 1,
    name: 'run',
    base_model: 'facebook/opt-350m',
    model_type: 'opt',
    special_tokens: { bos_token_id: 2, eos_token_id: 2, pad_token_id: 1 },
    steps: 40,
    prompt_format_version: 1,
    dtypes,
    parity: {
      fp32: {
        max_logit_diff_no_cache: 1e-6,
        max_logit_diff_with_cache: 1e-6,
        greedy_tokens: 16,
        greedy_identical: true,
        threshold: 1e-4,
      },
      quantized: [],
      eval_source: null,
    },
    files: files.map((file) => ({ ...file, bytes: 1, sha256: SHA })),
  };
}

describe('pygbox-model.json schema', () => {
  it('accepts a folder that has the file of every dtype it names', () => {
    expect(modelManifestSchema.safeParse(manifest([{ path: 'onnx/model.onnx' }])).success).toBe(true);
  });

  it.each([
    '../outside.onnx',
    '/etc/passwd',
    'onnx/../../x',
    'onnx\\model.onnx',
    './config.json',
    'onnx//model.onnx',
  ])('refuses the path %s', (path) => {
    const parsed = modelManifestSchema.safeParse(manifest([{ path: 'onnx/model.onnx' }, { path }]));
    expect(parsed.success).toBe(false);
  });

  it('refuses a dtype whose file is missing, an unknown field, and the descriptor listing itself', () => {
    expect(
      modelManifestSchema.safeParse(manifest([{ path: 'onnx/model.onnx' }], ['fp32', 'q4'])).success,
    ).toBe(false);
    const extra = { ...(manifest([{ path: 'onnx/model.onnx' }]) as object), owner: '/home/someone' };
    expect(modelManifestSchema.safeParse(extra).success).toBe(false);
    const self = manifest([{ path: 'onnx/model.onnx' }, { path: 'pygbox-model.json' }]);
    expect(modelManifestSchema.safeParse(self).success).toBe(false);
  });
});
