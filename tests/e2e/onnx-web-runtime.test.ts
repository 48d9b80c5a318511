import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../support/debian-chromium.ts';
import { sharedTinyExport } from './support/shared-tiny-export.ts';

/**
 * Every file `pygbox export` writes must run in the browser runtime the extension uses: stock
 * onnxruntime-web (the `/webgpu` bundle transformers.js 4 imports, on its WASM provider) in Debian's
 * Chromium, from a page on http://127.0.0.1 with the runtime's own files. Planning found a 4-bit
 * file that onnxruntime-node ran and onnxruntime-web refused (GatherBlockQuantized); this is the
 * test that catches that. Each file does a prefill and one cached step; the logits must match
 * onnxruntime-node's run of the same file.
 */

const ORT_DIST = resolve(import.meta.dirname, '../../node_modules/onnxruntime-web/dist');
const PAGE_DIR = resolve(import.meta.dirname, '../support/onnx-web-page');
const PROMPT = [2, 448, 8708, 342, 41585, 29, 321, 5831];
const NEXT = [2264];
/** fp16 activations round differently between the two runtimes' kernels; fp32 paths barely do. */
const TOLERANCE: Record<string, number> = {
  'model.onnx': 1e-4,
  'model_quantized.onnx': 2e-2,
  'model_q4.onnx': 1e-3,
  'model_q4f16.onnx': 5e-2,
};
const stepSchema = z.array(z.object({ dims: z.array(z.number()), data: z.array(z.number()) }));

let modelDir: string;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** /ort/* from onnxruntime-web's dist, /model/* from the exported folder, / is the runner page. */
function serve(): Promise<Server> {
  const routes: Array<[string, string]> = [
    ['/ort/', ORT_DIST],
    ['/model/', modelDir],
    ['/', PAGE_DIR],
  ];
  const handler = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    const base = route?.[1] ?? PAGE_DIR;
    const file = resolve(base, `.${sep}${path.slice(route?.[0].length ?? 1) || 'index.html'}`);
    if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((ready) => handler.listen(0, '127.0.0.1', () => ready(handler)));
}

async function nodeSteps(file: string): Promise<Array<{ dims: number[]; data: number[] }>> {
  const session = await ortNode.InferenceSession.create(file);
  const int64 = (values: number[]) =>
    new ortNode.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
  const past = session.inputNames.filter((name) => name.startsWith('past_key_values.'));
  const meta = new Map(session.inputMetadata.map((m) => [m.name, m]));
  let cache: Record<string, ortNode.Tensor> = {};
  for (const name of past) {
    const info = meta.get(name);
    if (info === undefined || !info.isTensor) throw new Error(`${name}: no tensor metadata`);
    const [, heads, , headDim] = info.shape as number[];
    const type = info.type === 'float16' ? 'float16' : 'float32';
    cache[name] = new ortNode.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [
      1,
      heads ?? 0,
      0,
      headDim ?? 0,
    ]);
  }
  const results: Array<{ dims: number[]; data: number[] }> = [];
  let seen = 0;
  for (const ids of [PROMPT, NEXT]) {
    const total = seen + ids.length;
    const out = await session.run({
      input_ids: int64(ids),
      attention_mask: int64(Array(total).fill(1)),
      position_ids: int64(ids.map((_, i) => seen + i)),
      ...cache,
    });
    const logits = out.logits;
    if (logits === undefined) throw new Error('no logits output');
    results.push({ dims: [...logits.dims], data: Array.from(logits.data as Float32Array) });
    cache = {};
    for (const name of past) {
      const present = out[name.replace('past_key_values', 'present')];
      if (present === undefined) throw new Error(`no output for ${name}`);
      cache[name] = present;
    }
    seen = total;
  }
  await session.release();
  return results;
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  let most = 0;
  for (let i = 0; i < a.length; i++)
    most = Math.max(most, Math.abs((a[i] ?? Number.NaN) - (b[i] ?? Number.NaN)));
  return most;
}

beforeAll(async () => {
  modelDir = (await sharedTinyExport()).folder;
  server = await serve();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  page = await browser.newPage();
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => Reflect.get(window, 'ortReady') === true);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
});

describe('exported files in onnxruntime-web (Chromium, WASM)', () => {
  it('has all four dtypes to try', () => {
    expect(readdirSync(join(modelDir, 'onnx')).sort()).toEqual(Object.keys(TOLERANCE).sort());
  });

  for (const [file, tolerance] of Object.entries(TOLERANCE)) {
    it(`${file}: a prefill and a cached step give onnxruntime-node's logits`, async () => {
      const expected = await nodeSteps(join(modelDir, 'onnx', file));
      const actual = stepSchema.parse(
        await page.evaluate(
          async ({ url, steps }) => {
            const run = Reflect.get(window, 'runDecoder') as (u: string, s: number[][]) => Promise<unknown>;
            return run(url, steps);
          },
          { url: `/model/onnx/${file}`, steps: [PROMPT, NEXT] },
        ),
      );
      expect(actual.map((step) => step.dims)).toEqual([
        [1, PROMPT.length, 50272],
        [1, 1, 50272],
      ]);
      expect(actual.map((step) => step.dims)).toEqual(expected.map((step) => step.dims));
      for (const [index, step] of actual.entries()) {
        const reference = expected[index]?.data ?? [];
        expect(step.data.every(Number.isFinite)).toBe(true);
        expect(maxDiff(step.data, reference), `${file} step ${index}`).toBeLessThanOrEqual(tolerance);
      }
    });
  }
});
