import { env, LogLevel } from '@huggingface/transformers';
import { describe, expect, it, vi } from 'vitest';
import {
  configureTransformers,
  serveModelFiles,
} from '../../../extension/inference/configure-transformers.ts';
import type { ModelFileSource } from '../../../shared/model/model-file-source.ts';

vi.mock('webextension-polyfill', () => ({
  default: { runtime: { getURL: (path: string) => `chrome-extension://test/${path}` } },
}));

/**
 * transformers.js as the extension sets it up: silent, nothing from the network or into the Cache
 * API, ONNX Runtime from the extension's ort/, and a cache that answers only for a served model's
 * own files. (Chromium proves the same end to end: tests/e2e/browser-runtime.test.ts.)
 */

const files = (contents: Record<string, string>): ModelFileSource => ({
  async read(path) {
    const text = contents[path];
    return text === undefined ? undefined : new Blob([text]);
  },
});

/** What the library gets when it looks a file up, as it does: its local path, then the cache. */
async function lookUp(path: string): Promise<string | undefined> {
  const cache = env.customCache;
  if (cache === null || cache === undefined) throw new Error('no custom cache');
  const response = await cache.match(`${env.localModelPath}${path}`);
  if (response === undefined) return undefined;
  if (!(response instanceof Response))
    throw new Error('the cache answered with something else than a Response');
  return response.text();
}

describe('configureTransformers', () => {
  it('silences the library, turns off the hub and every cache that writes, and points ONNX Runtime at ort/', () => {
    configureTransformers();
    expect(env.logLevel).toBe(LogLevel.NONE);
    expect([env.allowRemoteModels, env.useBrowserCache, env.useWasmCache, env.useFSCache]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(env.backends.onnx.wasm?.wasmPaths).toBe('chrome-extension://test/ort/');
    expect(env.backends.onnx.wasm?.numThreads).toBe(1);
  });

  it('refuses every fetch without making it', async () => {
    configureTransformers();
    const response = await env.fetch('https://huggingface.co/some/model/resolve/main/config.json');
    expect(response.status).toBe(404);
  });
});

describe('serveModelFiles', () => {
  it("answers only for the served model's files, stores nothing, and stops on release", async () => {
    const first = serveModelFiles('a'.repeat(64), files({ 'config.json': '{"first":1}' }));
    const second = serveModelFiles('a'.repeat(64), files({ 'config.json': '{"second":2}' }));
    expect(first.modelKey).not.toBe(second.modelKey);
    expect(await lookUp(`${first.modelKey}/config.json`)).toBe('{"first":1}');
    expect(await lookUp(`${second.modelKey}/config.json`)).toBe('{"second":2}');
    expect(await lookUp(`${first.modelKey}/onnx/model.onnx`)).toBeUndefined();
    expect(await lookUp('pygbox-999-other/config.json')).toBeUndefined();
    expect(
      await env.customCache?.match(`https://huggingface.co/${first.modelKey}/config.json`),
    ).toBeUndefined();

    await env.customCache?.put(`${env.localModelPath}${first.modelKey}/new.json`, new Response('x'));
    expect(await lookUp(`${first.modelKey}/new.json`)).toBeUndefined();

    first.release();
    expect(await lookUp(`${first.modelKey}/config.json`)).toBeUndefined();
    expect(await lookUp(`${second.modelKey}/config.json`)).toBe('{"second":2}');
    second.release();
  });
});
