import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHARACTER_AI_TABS } from '../extension/background/character-ai-tabs.ts';
import { caiApiFamily } from '../shared/cai/cai-hosts.ts';

const HOSTS = CHARACTER_AI_TABS;

const contentScriptSchema = z
  .object({
    matches: z.array(z.string()),
    js: z.array(z.string()),
    run_at: z.enum(['document_start', 'document_end', 'document_idle']),
    world: z.enum(['MAIN', 'ISOLATED']).optional(),
  })
  .strict();

const manifestSchema = z.object({
  manifest_version: z.literal(3),
  name: z.string(),
  version: z.string(),
  host_permissions: z.array(z.string()),
  permissions: z.array(z.string()),
  optional_permissions: z.never().optional(),
  optional_host_permissions: z.never().optional(),
  externally_connectable: z.never().optional(),
  web_accessible_resources: z.never().optional(),
  background: z
    .object({ service_worker: z.string(), scripts: z.array(z.string()), type: z.literal('module') })
    .strict(),
  content_scripts: z.array(contentScriptSchema),
  action: z.object({ default_popup: z.string(), default_title: z.string() }),
  options_ui: z.object({ page: z.string(), open_in_tab: z.boolean() }),
  content_security_policy: z.object({ extension_pages: z.string() }).strict(),
});

/** The files the build writes for each manifest entry (extension/build/build-extension.ts). */
const BUILT_FILES = [
  'service-worker.js',
  'page-hook.js',
  'relay.js',
  'popup.html',
  'options.html',
  'review.html',
];

describe('manifest.json', () => {
  const manifest = z
    .object({ minimum_chrome_version: z.string() })
    .and(manifestSchema)
    .parse(JSON.parse(readFileSync('manifest.json', 'utf8')));
  const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync('package.json', 'utf8')));

  it('is Manifest V3 with the package version', () => {
    expect(manifest.version).toBe(pkg.version);
  });

  it('asks only for the character.ai hosts and the fewest permissions', () => {
    expect(manifest.host_permissions).toEqual(HOSTS);
    expect([...manifest.permissions].sort()).toEqual(['downloads', 'storage', 'unlimitedStorage']);
  });

  it("names each of the web app's hosts, no wildcard that would take in third-party subdomains", () => {
    const patterns = [
      ...manifest.host_permissions,
      ...manifest.content_scripts.flatMap((script) => script.matches),
    ];
    for (const pattern of patterns) {
      const host = /^https:\/\/([^/]+)\/\*$/.exec(pattern)?.[1] ?? pattern;
      expect(host, pattern).not.toContain('*');
      // The hosts the site's pages (and its legacy API) are served from; not the neo API host.
      expect(caiApiFamily(host), pattern).toBe('legacy');
    }
  });

  it('hooks the page world at document_start and relays from the isolated world, on character.ai only', () => {
    const [hook, relay, ...rest] = manifest.content_scripts;
    expect(rest).toEqual([]);
    expect(hook).toEqual({ matches: HOSTS, js: ['page-hook.js'], run_at: 'document_start', world: 'MAIN' });
    expect(relay).toEqual({ matches: HOSTS, js: ['relay.js'], run_at: 'document_start' });
  });

  it('loads no remote code and allows no eval: scripts from the extension only, WebAssembly for ONNX Runtime', () => {
    const policy = manifest.content_security_policy.extension_pages;
    // 'wasm-unsafe-eval' compiles WebAssembly (ONNX Runtime's, shipped in ort/); JavaScript eval stays off.
    expect(policy).toBe("script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
    expect(JSON.stringify(manifest)).not.toMatch(/https?:\/\/(?!([a-z]+\.)?character\.ai\/\*)/);
  });

  it('names the entry points the build writes', () => {
    expect(manifest.background.service_worker).toBe('service-worker.js');
    // Firefox runs the same file as an event page; Chromium uses the service worker and ignores this.
    expect(manifest.background.scripts).toEqual([manifest.background.service_worker]);
    // Chromium before 121 refuses a manifest V3 that also has `background.scripts`.
    expect(Number(manifest.minimum_chrome_version)).toBeGreaterThanOrEqual(121);
    expect(manifest.action.default_popup).toBe('popup.html');
    expect(manifest.options_ui.page).toBe('options.html');
    const named = [
      manifest.background.service_worker,
      ...manifest.content_scripts.flatMap((script) => script.js),
      manifest.action.default_popup,
      manifest.options_ui.page,
    ];
    expect(BUILT_FILES).toEqual(expect.arrayContaining(named));
  });

  it.runIf(existsSync('dist/extension/manifest.json'))(
    'is copied unchanged into a build that has every file it names',
    () => {
      expect(readFileSync('dist/extension/manifest.json', 'utf8')).toBe(
        readFileSync('manifest.json', 'utf8'),
      );
      for (const file of BUILT_FILES) expect(existsSync(`dist/extension/${file}`), file).toBe(true);
    },
  );
});
