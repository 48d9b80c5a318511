import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { ModelDtype } from '../../shared/model/model-manifest.ts';

export { detectGpu } from './detect-gpu.ts';

/**
 * Which device and which of the model's files a chat runs on: by what this browser has and by
 * measurement, with the user's override honoured when it can be. Pure, so every branch is tested.
 */

export type DevicePreference = 'auto' | 'webgpu' | 'wasm';
export type DtypePreference = 'auto' | ModelDtype;

export interface GpuInfo {
  available: boolean;
  shaderF16: boolean;
  /** vendor/architecture, for the status line. */
  adapter?: string;
}

export interface RuntimeChoice {
  device: 'webgpu' | 'wasm';
  dtype: ModelDtype;
  /** Why, in a few words the page shows ("shader-f16 available", "no WebGPU in this browser"). */
  reason: string;
}

/**
 * WASM (one CPU thread in an extension page, which is not cross-origin isolated): fastest first, as
 * `npm run bench:browser-chat` measured in Debian's headless Chromium on an OPT-125m-shaped export
 * (bench/RESULTS.md, "Browser chat"). q8 (dynamic int8) decodes at least as fast as fp32 (20.0 vs
 * 18.1 tokens/s, best of 3), runs the prompt about 1.8x faster (its int8 GEMMs) and is a third
 * of the size, which also keeps bigger models under WASM's 4 GB heap. 4-bit MatMulNBits is about
 * ten times slower than both on this CPU path (2.2 tokens/s). q4f16 is last: no fp16 kernels here.
 */
export const WASM_DTYPE_ORDER: readonly ModelDtype[] = ['q8', 'fp32', 'q4', 'q4f16'];

/**
 * WebGPU: 4-bit weights first (a quarter of the bytes per token to read; decode is memory bound),
 * q4f16 only with `shader-f16`. fp32 before q8: q8's MatMulInteger/DynamicQuantizeLinear have no
 * WebGPU kernels and fall back to the CPU, with copies each step (q8 is here only for a user who
 * asks for WebGPU; auto takes WASM for it, see webgpuAutoDtypes).
 */
const WEBGPU_DTYPE_ORDER: readonly ModelDtype[] = ['q4f16', 'q4', 'fp32', 'q8'];

function webgpuDtypes(gpu: GpuInfo): readonly ModelDtype[] {
  return gpu.shaderF16 ? WEBGPU_DTYPE_ORDER : WEBGPU_DTYPE_ORDER.filter((dtype) => dtype !== 'q4f16');
}

/**
 * On auto, WebGPU only for files it runs on the GPU: q8's int8 nodes would run on the CPU with
 * copies each step, slower than WASM's own int8 kernels, so a model with only q8 goes to WASM.
 */
function webgpuAutoDtypes(gpu: GpuInfo): readonly ModelDtype[] {
  return webgpuDtypes(gpu).filter((dtype) => dtype !== 'q8');
}

/** The GPU as the status line names it: its shader-f16 and, when the browser says, its adapter. */
function gpuWords(gpu: GpuInfo): string {
  const f16 = gpu.shaderF16 ? 'shader-f16 available' : 'no shader-f16 on this GPU';
  return gpu.adapter === undefined ? f16 : `${f16} (${gpu.adapter})`;
}

export function chooseRuntime(
  gpu: GpuInfo,
  dtypes: readonly ModelDtype[],
  wanted: { device: DevicePreference; dtype: DtypePreference },
): RuntimeChoice {
  if (dtypes.length === 0) {
    throw new PygboxError('input-unreadable', 'the model has no ONNX file to run', {
      place: { file: 'pygbox-model.json', field: 'dtypes' },
      hint: 'import a model exported by `pygbox export`',
    });
  }
  if (wanted.dtype !== 'auto' && !dtypes.includes(wanted.dtype)) {
    throw new PygboxError('usage', `this model has no ${wanted.dtype} file`, {
      place: { field: 'dtype' },
      hint: `pick one it has (${dtypes.join(', ')}) or auto, or export it again with --dtype ${wanted.dtype}`,
    });
  }
  if (wanted.device === 'webgpu') return onWebgpu(gpu, dtypes, wanted.dtype);
  if (wanted.device === 'wasm') return onWasm(dtypes, wanted.dtype, 'WASM chosen');
  // auto: WebGPU when the browser has it and it can run something this model has.
  if (gpu.available) {
    if (wanted.dtype === 'auto') {
      const dtype = webgpuAutoDtypes(gpu).find((candidate) => dtypes.includes(candidate));
      if (dtype !== undefined) return { device: 'webgpu', dtype, reason: gpuWords(gpu) };
      return onWasm(dtypes, 'auto', `WebGPU cannot run this model's files well (${gpuWords(gpu)})`);
    }
    if (wanted.dtype !== 'q4f16' || gpu.shaderF16) {
      return { device: 'webgpu', dtype: wanted.dtype, reason: `${wanted.dtype} chosen; ${gpuWords(gpu)}` };
    }
    return onWasm(dtypes, wanted.dtype, 'q4f16 needs shader-f16, which this GPU lacks');
  }
  return onWasm(dtypes, wanted.dtype, 'no WebGPU in this browser');
}

function onWebgpu(gpu: GpuInfo, dtypes: readonly ModelDtype[], dtype: DtypePreference): RuntimeChoice {
  if (!gpu.available) {
    throw new PygboxError('usage', 'WebGPU is not available in this browser', {
      place: { field: 'device' },
      hint: 'choose auto or WASM; WebGPU needs Chrome 121 or newer with a supported GPU (see chrome://gpu)',
    });
  }
  if (dtype === 'auto') {
    const chosen = webgpuDtypes(gpu).find((candidate) => dtypes.includes(candidate));
    if (chosen === undefined) {
      throw new PygboxError('usage', "WebGPU cannot run this model's files without shader-f16", {
        place: { field: 'device' },
        hint: 'choose WASM, or export the model with --dtype q4 as well',
      });
    }
    return { device: 'webgpu', dtype: chosen, reason: `WebGPU chosen; ${gpuWords(gpu)}` };
  }
  if (dtype === 'q4f16' && !gpu.shaderF16) {
    throw new PygboxError('usage', 'q4f16 needs shader-f16, which this GPU lacks', {
      place: { field: 'dtype' },
      hint: `choose q4 or auto (this model has ${dtypes.join(', ')})`,
    });
  }
  return { device: 'webgpu', dtype, reason: `WebGPU and ${dtype} chosen; ${gpuWords(gpu)}` };
}

function onWasm(dtypes: readonly ModelDtype[], dtype: DtypePreference, why: string): RuntimeChoice {
  if (dtype !== 'auto') return { device: 'wasm', dtype, reason: `${why}; ${dtype} chosen` };
  const fastest = WASM_DTYPE_ORDER.find((candidate) => dtypes.includes(candidate));
  if (fastest === undefined) throw new Error('unreachable: WASM_DTYPE_ORDER names every dtype');
  return { device: 'wasm', dtype: fastest, reason: `${why}; ${fastest} decodes fastest on WASM` };
}
