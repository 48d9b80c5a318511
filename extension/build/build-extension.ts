import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type InlineConfig } from 'vite';
import { z } from 'zod';
import { copyOnnxRuntime, ORT_FILES, ORT_RESOLVE_CONDITIONS } from './onnx-runtime-files.ts';
import { zipDirectory } from './zip-directory.ts';

/**
 * `npm run build:extension`: bundles every entry point of the extension into `dist/extension/`
 * (loadable unpacked) and zips that folder into `dist/pygbox-extension-<version>.zip`.
 *
 * - Content scripts are classic scripts (MV3 cannot load them as modules), so each is one
 *   self-contained IIFE, no code splitting: the page-world hook and the isolated relay.
 * - The service worker is one ES module (`"type": "module"` in the manifest), also one file, so
 *   the worker starts without fetching chunks.
 * - The extension pages (popup, review, options, models, chat) are one multi-page build: ES modules
 *   with shared chunks, loaded by their HTML with `<script type="module">` (the CSP allows 'self').
 * - ONNX Runtime's WebAssembly build, which the chat page's transformers.js loads at run time, is
 *   copied to `ort/` (see ORT_FILES); the manifest's CSP allows 'wasm-unsafe-eval' for it.
 * Everything is shipped: no code is loaded from anywhere else at run time.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'dist/extension');
const PAGES = join(ROOT, 'extension/pages');

/** Classic-script entries: file name in dist/extension → source. */
const CONTENT_SCRIPTS = {
  'page-hook': 'extension/content/page-hook.ts',
  relay: 'extension/content/relay.ts',
} as const;
const SERVICE_WORKER = 'extension/background/service-worker.ts';
const PAGE_NAMES = ['popup', 'review', 'options', 'models', 'chat'] as const;

const versionSchema = z.object({ version: z.string().min(1) });

function common(): InlineConfig {
  return {
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    // No `public/` folder: every file of the extension is named here or in its HTML.
    publicDir: false,
    build: {
      outDir: OUT,
      emptyOutDir: false,
      // The extension's code is read by reviewers (store review, the user): keep it readable.
      minify: false,
      sourcemap: false,
      target: 'chrome111',
      reportCompressedSize: false,
    },
  };
}

async function buildScript(name: string, entry: string, format: 'iife' | 'es'): Promise<void> {
  const base = common();
  await build({
    ...base,
    build: {
      ...base.build,
      lib: { entry: join(ROOT, entry), formats: [format], name: 'pygbox', fileName: () => `${name}.js` },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  });
}

/** A page whose HTML is missing would otherwise fail deep inside the bundler, naming no page. */
function checkPagesExist(): void {
  const missing = PAGE_NAMES.filter((page) => !existsSync(join(PAGES, `${page}.html`)));
  if (missing.length > 0) {
    throw new Error(
      `extension/pages/ lacks ${missing.map((page) => `${page}.html`).join(', ')}: every page in PAGE_NAMES needs its HTML (and the module it loads)`,
    );
  }
}

async function buildPages(): Promise<void> {
  checkPagesExist();
  const base = common();
  await build({
    ...base,
    root: PAGES,
    base: './',
    resolve: { conditions: [...ORT_RESOLVE_CONDITIONS] },
    build: {
      ...base.build,
      rolldownOptions: {
        input: Object.fromEntries(PAGE_NAMES.map((page) => [page, join(PAGES, `${page}.html`)])),
        output: {
          entryFileNames: 'pages/[name].js',
          chunkFileNames: 'pages/[name]-[hash].js',
          assetFileNames: 'pages/[name]-[hash][extname]',
        },
      },
    },
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const { version } = versionSchema.parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
  const manifest = versionSchema
    .passthrough()
    .parse(JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')));
  if (manifest.version !== version) {
    throw new Error(
      `manifest.json version ${manifest.version} differs from package.json ${version}; make them equal`,
    );
  }

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const [name, entry] of Object.entries(CONTENT_SCRIPTS)) await buildScript(name, entry, 'iife');
  await buildScript('service-worker', SERVICE_WORKER, 'es');
  await buildPages();
  copyOnnxRuntime(join(ROOT, 'node_modules/onnxruntime-web/dist'), join(OUT, 'ort'));
  cpSync(join(ROOT, 'manifest.json'), join(OUT, 'manifest.json'));

  const zipPath = join(ROOT, 'dist', `pygbox-extension-${version}.zip`);
  const zip = await zipDirectory(OUT);
  writeFileSync(zipPath, zip.bytes);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ortBytes = ORT_FILES.reduce((sum, file) => sum + statSync(join(OUT, 'ort', file)).size, 0);
  console.log(
    `extension: dist/extension/ (${zip.files} files, ONNX Runtime ${(ortBytes / 1e6).toFixed(1)} MB) and ${zipPath.slice(ROOT.length + 1)} (${(zip.bytes.length / 1e6).toFixed(1)} MB) in ${seconds} s`,
  );
}

main().catch((error: unknown) => {
  console.error('error during extension build:');
  console.error(error);
  process.exit(1);
});
