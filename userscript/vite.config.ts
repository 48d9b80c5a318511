import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import monkey from 'vite-plugin-monkey';
import { z } from 'zod';

// Builds dist/pygbox.user.js: one file, everything bundled, nothing loaded from a remote host at
// run time. The version comes from package.json; the update URLs from the environment at build time
// (absent when unset, so a local build never points at a server).
const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(`${root}package.json`, 'utf8')));
const updateUrl = httpsUrlFromEnv('PYGBOX_USERSCRIPT_URL');
const metaUrl = httpsUrlFromEnv('PYGBOX_USERSCRIPT_META_URL') ?? updateUrl;

function httpsUrlFromEnv(name: string): string | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  if (!z.url({ protocol: /^https$/ }).safeParse(value).success) {
    throw new Error(
      `${name} must be an https:// URL (got "${value}"); unset it to build without update URLs`,
    );
  }
  return value;
}

// Every host the site has used for its pages (the API hosts are reached from these pages).
const SITE_MATCHES = [
  'https://character.ai/*',
  'https://www.character.ai/*',
  'https://beta.character.ai/*',
  'https://plus.character.ai/*',
  'https://old.character.ai/*',
];

export default defineConfig({
  root,
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: false, minify: false },
  plugins: [
    monkey({
      entry: 'userscript/main.ts',
      userscript: {
        name: 'Pygbox',
        namespace: 'pygbox',
        version,
        description:
          'Saves your Character.AI chats on your own machine and exports them anonymized, to donate for training an open chat model.',
        match: SITE_MATCHES,
        'run-at': 'document-start',
        // The page world itself: the hook must wrap the page's own fetch and XMLHttpRequest.
        'inject-into': 'page',
        grant: 'none',
        noframes: true,
        ...(updateUrl === undefined ? {} : { downloadURL: updateUrl, updateURL: metaUrl }),
      },
      build: { fileName: 'pygbox.user.js', autoGrant: false },
    }),
  ],
});
