import { env, LogLevel } from '@huggingface/transformers';
import browser from 'webextension-polyfill';
import type { ModelFileSource } from '../../shared/model/model-file-source.ts';

/**
 * transformers.js set up once for the extension's pages, so that a model's bytes come only from
 * the installed model's files and nothing reaches the network, the hub or the Cache API:
 *
 * - Files: the library looks a file up in its cache before anything else. Our cache (`customCache`)
 *   answers `match()` for the paths of a model served through `serveModelFiles` with a Response
 *   around the file's Blob (OPFS keeps the bytes on disk until the library reads them, once, into
 *   the buffer it hands ONNX Runtime), and stores nothing (`put` does nothing). A miss then falls to
 *   the library's "local" fetch, which is `refuseFetch`: a 404, never a request. Remote models are
 *   off, and the browser cache and the wasm-file cache too (they would write to the Cache API).
 * - ONNX Runtime's files come from the extension's own `ort/` (copied there by the build; an
 *   extension may not load code from a CDN, and transformers.js would otherwise pick jsDelivr).
 * - Threads: extension pages are not cross-origin isolated, so SharedArrayBuffer and thus ORT's
 *   threads are unavailable; one thread then, up to four when isolated.
 * - Logging off: when a run fails, transformers.js logs every input it was given, the prompt's
 *   ids among them, which are the user's words. Failures reach the page as PygboxErrors instead.
 */

/** Where served models live in the library's path space; never fetched, only matched. */
const SERVED_ROOT = '/pygbox-installed-models/';

const served = new Map<string, ModelFileSource>();
let nextKey = 1;
let configured = false;

export interface ServedModel {
  /** The name to pass transformers.js' `from_pretrained` / `pipeline` as the model id. */
  modelKey: string;
  /** Stops answering for this model; its files are not needed once its sessions exist. */
  release(): void;
}

const refuseFetch = async (): Promise<Response> => new Response(null, { status: 404 });

const modelFilesCache = {
  async match(request: string): Promise<Response | undefined> {
    if (!request.startsWith(SERVED_ROOT)) return undefined;
    const rest = request.slice(SERVED_ROOT.length);
    const slash = rest.indexOf('/');
    if (slash < 0) return undefined;
    const source = served.get(rest.slice(0, slash));
    if (source === undefined) return undefined;
    const blob = await source.read(rest.slice(slash + 1));
    if (blob === undefined) return undefined;
    // content-length lets the library size its one buffer and report progress.
    return new Response(blob, { headers: { 'content-length': String(blob.size) } });
  },
  async put(): Promise<void> {
    // The files are already stored (OPFS); a second copy is what this cache exists to avoid.
  },
};

export function configureTransformers(ortUrl: string = browser.runtime.getURL('ort/')): void {
  if (configured) return;
  env.logLevel = LogLevel.NONE;
  env.allowRemoteModels = false;
  // "Local" is where a cache miss goes; our fetch answers it with 404 (see above).
  env.allowLocalModels = true;
  env.localModelPath = SERVED_ROOT;
  env.useFS = false;
  env.useFSCache = false;
  env.useBrowserCache = false;
  env.useWasmCache = false;
  env.experimental_useCrossOriginStorage = false;
  env.useCustomCache = true;
  env.customCache = modelFilesCache;
  env.fetch = refuseFetch;
  const wasm = env.backends.onnx.wasm;
  if (wasm === undefined) throw new Error('onnxruntime-web did not register its WASM backend');
  wasm.wasmPaths = ortUrl;
  wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  wasm.proxy = false;
  configured = true;
}

/** Makes one installed model's files loadable by transformers.js under a fresh model id. */
export function serveModelFiles(modelId: string, files: ModelFileSource): ServedModel {
  configureTransformers();
  // A fresh key per load: nothing the library memoizes by model id outlives a reload or a delete.
  const modelKey = `pygbox-${nextKey++}-${modelId.replace(/[^0-9a-zA-Z]/g, '').slice(0, 24)}`;
  served.set(modelKey, files);
  return { modelKey, release: () => served.delete(modelKey) };
}
