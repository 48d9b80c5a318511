import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ORT_RESOLVE_CONDITIONS } from '../../extension/build/onnx-runtime-files.ts';
import { WASM_DTYPE_ORDER } from '../../extension/inference/runtime-choice.ts';
import { loadChatModel } from '../../trainer-node/chat/load-chat-model.ts';
import { loadDatasetTokenizer } from '../../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../support/debian-chromium.ts';
import { sharedTinyExport } from './support/shared-tiny-export.ts';

/**
 * The extension's runtime in the real browser: the tiny model every browser test shares (made once
 * by the real `pygbox export`, tests/e2e/support/shared-tiny-export.ts) is stored in OPFS and loaded
 * by extension/inference's loadBrowserModel inside an extension page of the built extension (its
 * ort/ files, its CSP). On WASM its greedy ids must equal onnxruntime-node's through `pygbox chat`'s
 * loader. While loading, the page may fetch nothing but ONNX Runtime's own files, and the Cache API
 * must stay empty. WebGPU (SwiftShader) is covered by tests/e2e/browser-chat.test.ts, which loads
 * and chats on it through the real chat page; a second WebGPU load here cost the suite a minute.
 *
 * The check page (tests/support/onnx-web-page/runtime-check.*) is built here into a copy of
 * dist/extension, so nothing test-only ships in the extension.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const PAGE_DIR = join(ROOT, 'tests/support/onnx-web-page');
const PROMPT = "Bot's Persona: a quiet lighthouse keeper.\n<START>\nYou: Hello there, how are you?\nBot:";
const STEPS = 8;

const resultSchema = z.object({
  ids: z.array(z.number().int()),
  runtime: z.object({
    device: z.enum(['webgpu', 'wasm']),
    dtype: z.string(),
    reason: z.string(),
    fellBack: z.string().optional(),
  }),
  contextLength: z.number(),
  eosIds: z.array(z.number()),
  promptIds: z.array(z.number()),
  fetched: z.array(z.string()),
  progressFiles: z.array(z.string()),
  cacheNames: z.array(z.string()),
  loadMs: z.number(),
  decodeMs: z.number(),
});

let root: string;
let modelDir: string;
let context: BrowserContext;
let page: Page;
let extensionOrigin: string;
let promptIds: number[];
let nodeIds: number[];
/** Every http(s) request any page of the browser made: the runtime must make none. */
const webRequests: string[] = [];

async function nodeGreedy(folder: string, ids: readonly number[], steps: number): Promise<number[]> {
  const model = await loadChatModel(folder, 'fp32');
  try {
    const out: number[] = [];
    let step = await model.decoder.forward(ids, undefined);
    for (let index = 0; index < steps; index++) {
      let best = 0;
      for (let id = 1; id < step.logits.length; id++) {
        if ((step.logits[id] ?? -Infinity) > (step.logits[best] ?? -Infinity)) best = id;
      }
      out.push(best);
      if (index + 1 < steps) step = await model.decoder.forward([best], step.cache);
    }
    await model.decoder.disposeCache(step.cache);
    return out;
  } finally {
    await model.dispose();
  }
}

async function runGreedy(device: string, dtype: string, steps: number) {
  const result = resultSchema.parse(
    await page.evaluate(
      async (request) => {
        const run = Reflect.get(window, 'runGreedy') as (r: unknown) => Promise<unknown>;
        return run(request);
      },
      { device, dtype, prompt: PROMPT, promptIds, steps },
    ),
  );
  console.log(
    `${result.runtime.device} ${result.runtime.dtype}: load ${result.loadMs} ms, decode ${result.decodeMs} ms`,
  );
  return result;
}

beforeAll(async () => {
  const built = join(ROOT, 'dist/extension');
  if (!existsSync(join(built, 'manifest.json')))
    throw new Error('dist/extension is missing: run `npm run build:extension` before the end-to-end tests');
  root = mkdtempSync(join(tmpdir(), 'pygbox-browser-runtime-'));
  modelDir = (await sharedTinyExport()).folder;
  const extensionDir = join(root, 'extension');
  cpSync(built, extensionDir, { recursive: true });
  cpSync(modelDir, join(extensionDir, 'model'), { recursive: true });
  await build({
    configFile: false,
    root: PAGE_DIR,
    base: './',
    resolve: { conditions: [...ORT_RESOLVE_CONDITIONS] },
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: extensionDir,
      emptyOutDir: false,
      minify: false,
      target: 'chrome111',
      reportCompressedSize: false,
      rolldownOptions: {
        input: { 'runtime-check': join(PAGE_DIR, 'runtime-check.html') },
        output: { entryFileNames: 'check/[name].js', chunkFileNames: 'check/[name]-[hash].js' },
      },
    },
  });

  const tokenizer = await loadDatasetTokenizer(modelDir);
  promptIds = tokenizer.encodeWithSpecials(PROMPT);
  nodeIds = await nodeGreedy(modelDir, promptIds, STEPS);

  context = await chromium.launchPersistentContext(join(root, 'profile'), {
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      ...CHROMIUM_ARGS,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  context.on('request', (request) => {
    if (/^(https?|wss?):/.test(request.url())) webRequests.push(request.url());
  });
  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  extensionOrigin = `chrome-extension://${new URL(worker.url()).host}`;
  page = await context.newPage();
  await page.goto(`${extensionOrigin}/runtime-check.html`);
  await page.waitForFunction(() => Reflect.get(window, 'runtimeCheckReady') === true);
  await page.evaluate(async () => {
    const install = Reflect.get(window, 'installFromExtension') as () => Promise<number>;
    return install();
  });
}, 600_000);

afterAll(async () => {
  await context?.close();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe('the extension runtime in Chromium', () => {
  it('loads a model from OPFS on WASM and decodes greedily as onnxruntime-node does', async () => {
    const result = await runGreedy('wasm', 'fp32', STEPS);
    expect(result.runtime).toMatchObject({ device: 'wasm', dtype: 'fp32' });
    expect(result.runtime.fellBack).toBeUndefined();
    // The page's tokenizer (from the model's files, by the shared loader) gives the dataset's ids.
    expect(result.promptIds).toEqual(promptIds);
    expect(result.ids).toEqual(nodeIds);
    expect(result.contextLength).toBe(256);
    expect(result.eosIds).toEqual([2]);
    expect(result.progressFiles).toContain('onnx/model.onnx');
    // Nothing but ONNX Runtime's own files, from the extension itself; nothing put in the Cache API.
    for (const url of result.fetched) expect(url.startsWith(`${extensionOrigin}/ort/`), url).toBe(true);
    expect(webRequests).toEqual([]);
    expect(result.cacheNames).toEqual([]);
  });

  it('on auto, in a browser without WebGPU, runs the WASM dtype the bench measured fastest, saying why', async () => {
    const result = await runGreedy('auto', 'auto', 2);
    expect(result.runtime).toMatchObject({ device: 'wasm', dtype: WASM_DTYPE_ORDER[0] });
    expect(result.runtime.reason).toContain('no WebGPU');
    expect(result.ids).toHaveLength(2);
    expect(webRequests).toEqual([]);
    expect(result.cacheNames).toEqual([]);
  });
});
