import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { formatIssuePath } from '../../shared/errors/zod-issue-path.ts';
import { KNOWN_KEYS, type RunConfig, runConfigSchema } from './run-config-schema.ts';
import { yamlFieldLine } from './yaml-field-line.ts';

export interface LoadedRunConfig {
  /** The YAML file, absolute. */
  file: string;
  /** Validated, defaults filled, paths resolved against the YAML file's folder. */
  config: RunConfig;
  /** Dotted keys (`train.learning_rate`) whose value is the default because the file left it out. */
  fromDefaults: ReadonlySet<string>;
  /** The line of a dotted field in the file, for errors found later (the worker names fields). */
  lineOf(field: string): number;
}

/**
 * Reads a `pygbox train` config: YAML parsed with positions, so every problem (a YAML syntax
 * error, an unknown key, a wrong type, a missing field) names its line; then validated with the
 * strict run-config schema.
 */
export async function readRunConfig(path: string): Promise<LoadedRunConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PygboxError('input-unreadable', 'cannot read the training config', {
      place: { file },
      hint: 'pass the path of a YAML file, e.g. --config samples/train/tiny-opt.yaml',
      cause,
    });
  }
  return parseRunConfig(text, file);
}

/** Parses config text as if read from `file` (relative paths resolve against its folder). */
export function parseRunConfig(text: string, file: string): LoadedRunConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    throw new PygboxError('usage', `is not valid YAML: ${syntax.message.split('\n')[0]}`, {
      place: { file, line: lineCounter.linePos(syntax.pos[0]).line },
      hint: 'fix the YAML syntax (indent with spaces; `key: value` pairs)',
    });
  }
  const lineOf = (field: string) =>
    yamlFieldLine(document, lineCounter, field === '' ? [] : field.split('.'));
  const raw: unknown = document.toJS();
  const parsed = runConfigSchema.safeParse(raw ?? {});
  if (!parsed.success)
    throw configIssueError(parsed.error.issues, raw, file, (path) =>
      yamlFieldLine(document, lineCounter, path),
    );
  const yamlFolder = dirname(file);
  const config: RunConfig = {
    ...parsed.data,
    dataset: resolve(yamlFolder, parsed.data.dataset),
    output_dir: resolve(yamlFolder, parsed.data.output_dir),
    model: {
      ...parsed.data.model,
      base: resolveModelBase(parsed.data.model.base, yamlFolder, file, lineOf('model.base')),
    },
  };
  return { file, config, fromDefaults: defaultedKeys(config, raw), lineOf };
}

function configIssueError(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  file: string,
  lineOfPath: (path: readonly PropertyKey[]) => number,
): PygboxError {
  const issue = issues[0];
  if (issue === undefined)
    return new PygboxError('usage', 'is not a valid training config', { place: { file } });
  if (issue.code === 'unrecognized_keys') {
    const section = formatIssuePath(issue.path);
    const key = issue.keys[0] ?? '';
    const field = section === '' ? key : `${section}.${key}`;
    const known = KNOWN_KEYS[section] ?? [];
    return new PygboxError('usage', `unknown key \`${field}\``, {
      place: { file, line: lineOfPath([...issue.path, key]), field },
      hint: `fix its spelling or remove it; the keys ${section === '' ? 'at the top level' : `under ${section}`} are: ${known.join(', ')}`,
    });
  }
  const field = formatIssuePath(issue.path);
  if (!isPlainObject(raw)) {
    return new PygboxError('usage', 'the training config must be a mapping of keys to values', {
      place: { file, line: 1 },
      hint: 'start from samples/train/tiny-opt.yaml',
    });
  }
  const missing = issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined;
  return new PygboxError('usage', missing ? `\`${field}\` is required` : `\`${field}\`: ${issue.message}`, {
    place: { file, line: lineOfPath(issue.path), field },
    hint: missing
      ? `add \`${field}\` (see trainer-node/train/README.md)`
      : 'fix the value (trainer-node/train/README.md lists every key with its type)',
  });
}

/**
 * A model folder next to the config is resolved to an absolute path; anything else is taken for a
 * hub id (`facebook/opt-350m`), except what is plainly a path, which must then exist.
 */
function resolveModelBase(base: string, yamlFolder: string, file: string, line: number): string {
  const candidate = resolve(yamlFolder, base);
  if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  if (isAbsolute(base) || base.startsWith('.') || base.startsWith('~')) {
    throw new PygboxError('usage', `\`model.base\`: no model folder at ${candidate}`, {
      place: { file, line, field: 'model.base' },
      hint: 'give a folder with config.json (relative to this YAML file) or a Hugging Face hub id',
    });
  }
  return base;
}

/** Leaf keys of the resolved config that the YAML did not set. */
function defaultedKeys(config: RunConfig, raw: unknown): Set<string> {
  const out = new Set<string>();
  for (const [key] of settingEntries(config)) {
    if (valueAt(raw, key.split('.')) === undefined) out.add(key);
  }
  return out;
}

/**
 * The config as `[dotted key, value]` leaves in schema order. `model.config_overrides` is one
 * setting (a mapping passed through), not a section.
 */
export function settingEntries(config: RunConfig): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (value: unknown, prefix: string) => {
    if (
      isPlainObject(value) &&
      prefix !== 'model.config_overrides' &&
      (prefix === '' || prefix in KNOWN_KEYS)
    ) {
      for (const [key, inner] of Object.entries(value)) walk(inner, prefix === '' ? key : `${prefix}.${key}`);
    } else {
      out.push([prefix, value]);
    }
  };
  walk(config, '');
  return out;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const part of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[String(part)];
  }
  return node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
