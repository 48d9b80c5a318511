import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The module boundaries of DESIGN.md, enforced: shared/ is platform-free and self-contained, each
 * host imports shared/ and its own platform only, and the audit seal is applied by the audit alone.
 */

const ROOT = resolve(import.meta.dirname, '..');

interface Rule {
  folder: string;
  /** Top-level folders a relative import may reach. */
  localFolders: readonly string[];
  /** npm packages (or prefixes ending in '/') allowed; `node:` builtins only when nodeBuiltins. */
  packages: readonly string[] | 'any';
  nodeBuiltins: boolean;
  /** Host globals that must not appear (`chrome.x`, `browser.x`, `GM_x`, `GM.x`). */
  forbidHostGlobals: boolean;
  /** Paths under `folder` that another rule covers. */
  except?: readonly string[];
}

/**
 * The build scripts of the two browser hosts run in Node at build time and never ship: they may use
 * Node, the bundler and the CLI's Node helpers, and are checked as build tooling instead.
 */
const BUILD_TOOLING = ['userscript/vite.config.ts', 'extension/build'];

const SHARED_PACKAGES = ['zod', 'idb', 'fflate', '@noble/hashes/'];

/**
 * The generation loop runs the model through transformers.js in every host (the extension's chat
 * page, `pygbox chat` in Node), and transformers.js and its tokenizers package are platform-free:
 * shared/generate alone may import them, so the adapter and the tokenizer loader are written once.
 */
const GENERATION = 'shared/generate';

const RULES: readonly Rule[] = [
  {
    folder: 'shared',
    localFolders: ['shared'],
    packages: SHARED_PACKAGES,
    nodeBuiltins: false,
    forbidHostGlobals: true,
    except: [GENERATION],
  },
  {
    folder: GENERATION,
    localFolders: ['shared'],
    packages: [...SHARED_PACKAGES, '@huggingface/transformers', '@huggingface/tokenizers'],
    nodeBuiltins: false,
    forbidHostGlobals: true,
  },
  {
    folder: 'userscript',
    localFolders: ['userscript', 'shared'],
    packages: [...SHARED_PACKAGES, '$', 'vite-plugin-monkey/'],
    nodeBuiltins: false,
    forbidHostGlobals: false,
    except: BUILD_TOOLING,
  },
  {
    folder: 'extension',
    localFolders: ['extension', 'shared'],
    packages: [...SHARED_PACKAGES, 'webextension-polyfill', '@huggingface/transformers', 'onnxruntime-web'],
    nodeBuiltins: false,
    forbidHostGlobals: false,
    except: BUILD_TOOLING,
  },
  ...BUILD_TOOLING.map(
    (folder): Rule => ({
      folder,
      localFolders: ['userscript', 'extension', 'shared', 'trainer-node'],
      packages: [...SHARED_PACKAGES, 'vite', 'vite-plugin-monkey'],
      nodeBuiltins: true,
      forbidHostGlobals: true,
    }),
  ),
  {
    folder: 'trainer-node',
    localFolders: ['trainer-node', 'shared'],
    packages: 'any',
    nodeBuiltins: true,
    forbidHostGlobals: true,
  },
];

function sourceFiles(folder: string, except: readonly string[] = []): string[] {
  const absolute = join(ROOT, folder);
  const skipped = new Set(except.map((path) => join(ROOT, path)));
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist' || skipped.has(path)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|js|mjs)$/.test(name)) found.push(path);
    }
  };
  try {
    if (statSync(absolute).isFile()) return [absolute];
    walk(absolute);
  } catch {
    return [];
  }
  return found;
}

function importsOf(path: string): string[] {
  const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
  return info.importedFiles.map((file) => file.fileName);
}

function hostGlobalsUsed(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const used: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const name = node.expression.text;
      if (name === 'chrome' || name === 'browser' || name === 'GM') used.push(`${name}.${node.name.text}`);
    }
    if (ts.isIdentifier(node) && node.text.startsWith('GM_')) used.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return used;
}

function violations(rule: Rule): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(rule.folder, rule.except)) {
    const shown = relative(ROOT, file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) {
        const target = relative(ROOT, resolve(dirname(file), specifier));
        const top = target.split(/[\\/]/)[0] ?? '';
        if (target.startsWith('..') || !rule.localFolders.includes(top))
          found.push(`${shown} imports ${target}`);
        continue;
      }
      if (specifier.startsWith('node:')) {
        if (!rule.nodeBuiltins) found.push(`${shown} imports ${specifier}`);
        continue;
      }
      if (rule.packages === 'any') continue;
      const allowed = rule.packages.some((name) =>
        name.endsWith('/')
          ? specifier.startsWith(name)
          : specifier === name || specifier.startsWith(`${name}/`),
      );
      if (!allowed) found.push(`${shown} imports package ${specifier}`);
    }
    if (rule.forbidHostGlobals) for (const used of hostGlobalsUsed(file)) found.push(`${shown} uses ${used}`);
  }
  return found;
}

describe('module boundaries of DESIGN.md', () => {
  it.each(RULES)('$folder/ imports only what it may', (rule) => {
    expect(violations(rule)).toEqual([]);
  });

  it('finds the shared sources it checks (so the rule cannot pass vacuously)', () => {
    expect(sourceFiles('shared').length).toBeGreaterThan(10);
  });

  it('catches a violation when one exists', () => {
    const strict: Rule = { ...RULES[0], folder: 'trainer-node', packages: [], nodeBuiltins: false } as Rule;
    expect(violations(strict).some((line) => line.includes('node:'))).toBe(true);
  });

  it('lets only the audit seal chats as audited', () => {
    const sealers = [
      ...sourceFiles('shared'),
      ...sourceFiles('trainer-node'),
      ...sourceFiles('userscript'),
      ...sourceFiles('extension'),
    ]
      .filter((file) => /\bsealAudited\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file))
      .sort();
    expect(sealers).toEqual(['shared/anonymize/audit.ts', 'shared/anonymize/audited-chats.ts']);
  });

  it('lets only the preference audit seal preference records as audited', () => {
    const sealers = [
      ...sourceFiles('shared'),
      ...sourceFiles('trainer-node'),
      ...sourceFiles('userscript'),
      ...sourceFiles('extension'),
    ]
      .filter((file) => /\bsealAuditedPreferences\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file))
      .sort();
    expect(sealers).toEqual([
      'shared/anonymize/audit-preferences.ts',
      'shared/anonymize/audited-preferences.ts',
    ]);
  });
});
