import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultClientConditions } from 'vite';

/**
 * The ONNX Runtime files transformers.js 4.3 loads in an extension page. It imports
 * `onnxruntime-web/webgpu` (the bundle with the JS glue inlined); once `wasmPaths` points at our
 * `ort/` (extension/inference/configure-transformers.ts), that bundle imports its emscripten
 * module `ort-wasm-simd-threaded.asyncify.mjs` from there (see ORT_RESOLVE_CONDITIONS), which fetches the `.wasm` beside it.
 * The asyncify build holds both the CPU (WASM) and the native WebGPU execution providers, so it is
 * the only one needed: the JSEP build (`.jsep.*`, what `onnxruntime-web` and `/all` load), the
 * plain and the JSPI builds are never requested. About 27 MB, 7 MB zipped.
 */
export const ORT_FILES = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
] as const;

/**
 * Resolve conditions for bundling a page that imports transformers.js. By default
 * `onnxruntime-web/webgpu` resolves to its `.bundle.min.mjs`, whose fallback
 * `new URL('ort-wasm-simd-threaded.asyncify.wasm', import.meta.url)` makes Vite emit a second,
 * hashed copy of the 27 MB wasm into pages/. onnxruntime-web's own `onnxruntime-web-use-extern-wasm`
 * condition picks `ort.webgpu.min.mjs` instead: the same runtime, which imports the emscripten
 * module from `wasmPaths` (our `ort/`), so the wasm ships once.
 */
export const ORT_RESOLVE_CONDITIONS: readonly string[] = [
  'onnxruntime-web-use-extern-wasm',
  ...defaultClientConditions,
];

/** Copies ORT_FILES from onnxruntime-web's `dist/` into the extension's `ort/` folder. */
export function copyOnnxRuntime(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of ORT_FILES) {
    const source = join(from, file);
    if (!existsSync(source)) {
      throw new Error(`${source} is missing: onnxruntime-web changed its file names; update ORT_FILES`);
    }
    cpSync(source, join(to, file));
  }
}
