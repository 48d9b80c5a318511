import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { copyOnnxRuntime, ORT_FILES } from '../../../extension/build/onnx-runtime-files.ts';

/**
 * What `npm run build:extension` wrote (`npm test` builds before it runs the tests): the pages,
 * ONNX Runtime's files for the chat page, and the CSP that lets them run, in the folder and the zip.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const OUT = join(ROOT, 'dist/extension');
const ORT_DIST = join(ROOT, 'node_modules/onnxruntime-web/dist');
const PAGES = ['popup', 'review', 'options', 'models', 'chat'];

function built(path: string): string {
  const file = join(OUT, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:extension\` first`);
  return file;
}

describe('the built extension', () => {
  it('ships the asyncify ONNX Runtime build, byte for byte, and no other', () => {
    expect(readdirSync(built('ort')).sort()).toEqual([...ORT_FILES].sort());
    for (const file of ORT_FILES) {
      expect(readFileSync(built(`ort/${file}`)).equals(readFileSync(join(ORT_DIST, file))), file).toBe(true);
    }
  });

  it('holds no second copy of the wasm next to the page bundles', () => {
    const wasm = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? wasm(join(dir, entry.name))
          : entry.name.endsWith('.wasm')
            ? [join(dir, entry.name)]
            : [],
      );
    expect(wasm(OUT).map((file) => file.slice(OUT.length + 1))).toEqual([
      'ort/ort-wasm-simd-threaded.asyncify.wasm',
    ]);
  });

  it('lets extension pages compile WebAssembly, and nothing else beyond its own scripts', () => {
    const manifest = z
      .object({ content_security_policy: z.object({ extension_pages: z.string() }) })
      .parse(JSON.parse(readFileSync(built('manifest.json'), 'utf8')));
    expect(manifest.content_security_policy.extension_pages).toBe(
      "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    );
  });

  it('has every page, each loading its own module', () => {
    for (const page of PAGES) {
      const html = readFileSync(built(`${page}.html`), 'utf8');
      expect(html, page).toContain(`src="./pages/${page}.js"`);
      expect(statSync(built(`pages/${page}.js`)).size, page).toBeGreaterThan(0);
    }
  });

  it('zips the same ONNX Runtime files and manifest', () => {
    const { version } = z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
    const zipPath = join(ROOT, 'dist', `pygbox-extension-${version}.zip`);
    const entries = unzipSync(new Uint8Array(readFileSync(zipPath)), {
      filter: (entry) => entry.name.startsWith('ort/') || entry.name === 'manifest.json',
    });
    expect(Object.keys(entries).sort()).toEqual(
      ['manifest.json', ...ORT_FILES.map((file) => `ort/${file}`)].sort(),
    );
    for (const file of ORT_FILES) {
      expect(entries[`ort/${file}`]?.length, file).toBe(statSync(join(ORT_DIST, file)).size);
    }
  });
});

describe('copyOnnxRuntime', () => {
  it('refuses, naming the file, when onnxruntime-web no longer has one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pygbox-ort-'));
    try {
      expect(() => copyOnnxRuntime(empty, join(empty, 'ort'))).toThrow(
        /ort-wasm-simd-threaded\.asyncify\.mjs is missing/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
