import { loadBrowserModel } from '../../../extension/inference/load-browser-model.ts';
import type { DevicePreference, DtypePreference } from '../../../extension/inference/runtime-choice.ts';
import { MODEL_MANIFEST_PATH, modelManifestSchema } from '../../../shared/model/model-manifest.ts';
import { opfsModelCopy } from './opfs-model-copy.ts';

/**
 * The page side of tests/e2e/browser-runtime.test.ts. `installFromExtension` copies the model
 * folder shipped beside this page (`./model/`) into OPFS, as the models page stores an import;
 * `runGreedy` loads it from OPFS through loadBrowserModel and decodes greedily, reporting the ids,
 * the runtime, what the page fetched while loading and what the Cache API holds afterwards.
 */

const model = opfsModelCopy('runtime-check');
const opfsFiles = model.files;
const installFromExtension = model.install;

async function runGreedy(request: {
  device: DevicePreference;
  dtype: DtypePreference;
  prompt: string;
  promptIds: number[];
  steps: number;
}) {
  const manifestBlob = await opfsFiles.read(MODEL_MANIFEST_PATH);
  if (manifestBlob === undefined) throw new Error('install the model first');
  const manifest = modelManifestSchema.parse(JSON.parse(await manifestBlob.text()));
  performance.clearResourceTimings();
  const started = performance.now();
  const progressFiles = new Set<string>();
  const model = await loadBrowserModel({
    modelId: 'runtime-check',
    manifest,
    files: opfsFiles,
    device: request.device,
    dtype: request.dtype,
    onProgress: (progress) => progressFiles.add(progress.file),
  });
  const fetched = performance.getEntriesByType('resource').map((entry) => entry.name);
  const loaded = performance.now();
  const ids: number[] = [];
  try {
    let step = await model.decoder.forward(request.promptIds, undefined);
    for (let index = 0; index < request.steps; index++) {
      let best = 0;
      for (let id = 1; id < step.logits.length; id++) {
        if ((step.logits[id] ?? -Infinity) > (step.logits[best] ?? -Infinity)) best = id;
      }
      ids.push(best);
      if (index + 1 < request.steps) step = await model.decoder.forward([best], step.cache);
    }
    await model.decoder.disposeCache(step.cache);
  } finally {
    await model.dispose();
  }
  return {
    ids,
    runtime: model.runtime,
    contextLength: model.contextLength,
    eosIds: model.eosIds,
    promptIds: model.tokenizer.encodeWithSpecials(request.prompt),
    // Not asserted (never a timed assertion): printed, so a slow run says where the time went.
    loadMs: Math.round(loaded - started),
    decodeMs: Math.round(performance.now() - loaded),
    fetched,
    progressFiles: [...progressFiles].sort(),
    cacheNames: await caches.keys(),
  };
}

Reflect.set(window, 'installFromExtension', installFromExtension);
Reflect.set(window, 'runGreedy', runGreedy);
Reflect.set(window, 'runtimeCheckReady', true);
