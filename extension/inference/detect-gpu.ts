import type { GpuInfo } from './runtime-choice.ts';

/**
 * What WebGPU this browser offers: an adapter, and whether it has `shader-f16` (q4f16 files need
 * it). Asks with the same power preference transformers.js gives ONNX Runtime, so the answer is
 * about the adapter the model will run on; ONNX Runtime then requests `shader-f16` on its device
 * whenever the adapter has it. Never throws: no WebGPU is an answer.
 */

/** The slice of the WebGPU API read here; lib.dom of this TypeScript has no WebGPU types. */
interface AdapterLike {
  features: { has(name: string): boolean };
  info?: { vendor?: string; architecture?: string; description?: string };
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<AdapterLike | null>;
}

export async function detectGpu(): Promise<GpuInfo> {
  const gpu: GpuLike | undefined =
    typeof navigator !== 'undefined' && 'gpu' in navigator
      ? (Reflect.get(navigator, 'gpu') as GpuLike | undefined)
      : undefined;
  if (gpu === undefined) return { available: false, shaderF16: false };
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return { available: false, shaderF16: false };
  }
  if (adapter === null) return { available: false, shaderF16: false };
  const info = adapter.info;
  const described = [info?.vendor, info?.architecture].filter((part) => part !== undefined && part !== '');
  return {
    available: true,
    shaderF16: adapter.features.has('shader-f16'),
    ...(described.length === 0 ? {} : { adapter: described.join(' ') }),
  };
}
