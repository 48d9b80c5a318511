import { describe, expect, it } from 'vitest';
import {
  chooseRuntime,
  type GpuInfo,
  WASM_DTYPE_ORDER,
} from '../../../extension/inference/runtime-choice.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import type { ModelDtype } from '../../../shared/model/model-manifest.ts';

const ALL: ModelDtype[] = ['fp32', 'q8', 'q4', 'q4f16'];
const F16: GpuInfo = { available: true, shaderF16: true, adapter: 'nvidia ampere' };
const NO_F16: GpuInfo = { available: true, shaderF16: false };
const NO_GPU: GpuInfo = { available: false, shaderF16: false };
const AUTO = { device: 'auto', dtype: 'auto' } as const;

function refusal(run: () => unknown): PygboxError {
  try {
    run();
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('expected a PygboxError');
}

describe('chooseRuntime on auto', () => {
  it('takes WebGPU with q4f16 when the GPU has shader-f16 and the model has the file', () => {
    expect(chooseRuntime(F16, ALL, AUTO)).toMatchObject({ device: 'webgpu', dtype: 'q4f16' });
    expect(chooseRuntime(F16, ALL, AUTO).reason).toContain('shader-f16 available');
  });

  it('names the GPU adapter on the status line when the browser gives one', () => {
    expect(chooseRuntime(F16, ALL, AUTO).reason).toBe('shader-f16 available (nvidia ampere)');
    expect(chooseRuntime(NO_F16, ALL, AUTO).reason).toBe('no shader-f16 on this GPU');
  });

  it('takes WebGPU with q4 without shader-f16, or when the model has no q4f16', () => {
    expect(chooseRuntime(NO_F16, ALL, AUTO)).toMatchObject({ device: 'webgpu', dtype: 'q4' });
    expect(chooseRuntime(F16, ['fp32', 'q8', 'q4'], AUTO)).toMatchObject({ device: 'webgpu', dtype: 'q4' });
  });

  it('takes the next file WebGPU runs well when there is no 4-bit one: fp32 before q8', () => {
    expect(chooseRuntime(F16, ['q8', 'fp32'], AUTO)).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
  });

  it('runs a q8-only model on WASM (its int8 nodes have no WebGPU kernels), unless WebGPU is asked for', () => {
    const choice = chooseRuntime(F16, ['q8'], AUTO);
    expect(choice).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(choice.reason).toContain('WebGPU cannot run');
    expect(chooseRuntime(F16, ['q8'], { device: 'webgpu', dtype: 'auto' })).toMatchObject({
      device: 'webgpu',
      dtype: 'q8',
    });
  });

  it('goes to WASM when WebGPU cannot run any file the model has (only q4f16, no shader-f16)', () => {
    const choice = chooseRuntime(NO_F16, ['q4f16'], AUTO);
    expect(choice).toMatchObject({ device: 'wasm', dtype: 'q4f16' });
    expect(choice.reason).toContain('no shader-f16');
  });

  it('without WebGPU takes the WASM dtype the bench measured fastest, in WASM_DTYPE_ORDER', () => {
    expect(new Set(WASM_DTYPE_ORDER)).toEqual(new Set(ALL));
    expect(chooseRuntime(NO_GPU, ALL, AUTO)).toMatchObject({ device: 'wasm', dtype: WASM_DTYPE_ORDER[0] });
    for (const dtype of ALL) {
      const rest = WASM_DTYPE_ORDER.slice(WASM_DTYPE_ORDER.indexOf(dtype));
      expect(chooseRuntime(NO_GPU, rest, AUTO).dtype).toBe(dtype);
    }
    expect(chooseRuntime(NO_GPU, ALL, AUTO).reason).toContain('no WebGPU');
  });
});

describe('chooseRuntime with an override', () => {
  it('honours a device or a dtype that can run', () => {
    expect(chooseRuntime(F16, ALL, { device: 'wasm', dtype: 'auto' })).toMatchObject({
      device: 'wasm',
      dtype: WASM_DTYPE_ORDER[0],
    });
    expect(chooseRuntime(F16, ALL, { device: 'wasm', dtype: 'q4' })).toMatchObject({
      device: 'wasm',
      dtype: 'q4',
    });
    expect(chooseRuntime(F16, ALL, { device: 'webgpu', dtype: 'fp32' })).toMatchObject({
      device: 'webgpu',
      dtype: 'fp32',
    });
    expect(chooseRuntime(NO_F16, ALL, { device: 'webgpu', dtype: 'auto' })).toMatchObject({
      device: 'webgpu',
      dtype: 'q4',
    });
    expect(chooseRuntime(NO_GPU, ALL, { device: 'auto', dtype: 'q8' })).toMatchObject({
      device: 'wasm',
      dtype: 'q8',
    });
    expect(chooseRuntime(F16, ALL, { device: 'auto', dtype: 'q8' })).toMatchObject({
      device: 'webgpu',
      dtype: 'q8',
    });
  });

  it('runs an explicit q4f16 on WASM when auto device meets a GPU without shader-f16', () => {
    expect(chooseRuntime(NO_F16, ALL, { device: 'auto', dtype: 'q4f16' })).toMatchObject({
      device: 'wasm',
      dtype: 'q4f16',
    });
  });

  it('refuses WebGPU where the browser has none, saying what to pick instead', () => {
    const error = refusal(() => chooseRuntime(NO_GPU, ALL, { device: 'webgpu', dtype: 'auto' }));
    expect(error.code).toBe('usage');
    expect(error.place.field).toBe('device');
    expect(error.hint).toContain('WASM');
  });

  it('refuses q4f16 on WebGPU without shader-f16', () => {
    const error = refusal(() => chooseRuntime(NO_F16, ALL, { device: 'webgpu', dtype: 'q4f16' }));
    expect(error.message).toContain('shader-f16');
    expect(error.place.field).toBe('dtype');
    const only = refusal(() => chooseRuntime(NO_F16, ['q4f16'], { device: 'webgpu', dtype: 'auto' }));
    expect(only.message).toContain('shader-f16');
  });

  it('refuses a dtype the model does not have, listing the ones it has', () => {
    const error = refusal(() => chooseRuntime(F16, ['fp32', 'q4'], { device: 'auto', dtype: 'q8' }));
    expect(error.message).toContain('no q8 file');
    expect(error.hint).toContain('fp32, q4');
  });

  it('refuses a model with no dtype at all', () => {
    expect(refusal(() => chooseRuntime(F16, [], AUTO)).place.field).toBe('dtypes');
  });
});
