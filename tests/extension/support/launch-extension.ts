import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';
import { z } from 'zod';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../../support/debian-chromium.ts';
import {
  chromiumArgsForFakeSite,
  selfSignedCertificate,
} from '../../support/fake-cai-site/self-signed-cert.ts';
import { type FakeCaiSite, startFakeCaiSite } from '../../support/fake-cai-site/start-fake-cai-site.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface LaunchedExtension {
  site: FakeCaiSite;
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  /**
   * Quits the browser and starts it again on the same profile and extension folder, as a user
   * restarting Chromium does: what the extension stored (IndexedDB, OPFS, storage.local) is there
   * again. The extension keeps its id (an unpacked extension's id comes from its folder's path).
   */
  restart(): Promise<LaunchedExtension>;
  /** Closes the browser and the fake site and removes the profile; after a restart, call it on the newest. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /**
   * WebGPU on SwiftShader, Chromium's CPU implementation (this machine has no GPU): the flags that
   * expose `navigator.gpu` headless, and without `--disable-gpu`, which would take the adapter away.
   */
  webgpu?: boolean;
}

const WEBGPU_ARGS: readonly string[] = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

/** Debian's Chromium flags for this launch: the shared ones, with the GPU left on for WebGPU. */
export function chromiumArgsFor(options: LaunchOptions): string[] {
  if (options.webgpu !== true) return [...CHROMIUM_ARGS];
  return [...CHROMIUM_ARGS.filter((arg) => arg !== '--disable-gpu'), ...WEBGPU_ARGS];
}

/**
 * The release zip, unzipped into a fresh folder, as a user installing "from the zip" does. It is
 * the `dist/extension/` folder zipped, so this loads both.
 */
function unpackReleaseZip(into: string): string {
  const { version } = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
  const zipPath = join(ROOT, 'dist', `pygbox-extension-${version}.zip`);
  if (!existsSync(zipPath))
    throw new Error(`${zipPath} is missing: run \`npm run build\` before the end-to-end tests`);
  for (const [path, bytes] of Object.entries(unzipSync(new Uint8Array(readFileSync(zipPath))))) {
    const target = join(into, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  return into;
}

/**
 * Debian's Chromium with the extension from the release zip loaded unpacked, in a fresh profile,
 * and the fake Character.AI served over HTTPS with a throwaway certificate: every character.ai host
 * resolves to it, so the content scripts match and the dumper's requests reach it as on the site.
 */
export async function launchExtension(options: LaunchOptions = {}): Promise<LaunchedExtension> {
  const scratch = mkdtempSync(join(tmpdir(), 'pygbox-extension-'));
  const extensionDir = unpackReleaseZip(join(scratch, 'extension'));
  const profile = join(scratch, 'profile');
  const site = await startFakeCaiSite({ tls: selfSignedCertificate() });
  const start = async (): Promise<LaunchedExtension> => {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_EXECUTABLE,
      headless: true,
      // Playwright turns extensions off by default.
      ignoreDefaultArgs: ['--disable-extensions'],
      args: [
        ...chromiumArgsFor(options),
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        ...chromiumArgsForFakeSite(site.port),
      ],
    });
    const worker =
      context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
    return {
      site,
      context,
      extensionId: new URL(worker.url()).host,
      worker,
      async restart() {
        await context.close();
        return start();
      },
      async close() {
        await context.close();
        await site.close();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  };
  return start();
}
