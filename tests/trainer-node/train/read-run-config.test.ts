import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { formatRunConfig } from '../../../trainer-node/train/format-run-config.ts';
import { parseRunConfig, readRunConfig } from '../../../trainer-node/train/read-run-config.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';

const FILE = '/configs/run/train.yaml';

function parseError(text: string): PygboxError {
  try {
    parseRunConfig(text, FILE);
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

const MINIMAL = 'dataset: ../data/ds\noutput_dir: out\nmodel:\n  base: facebook/opt-125m\n';

describe('reading a training config', () => {
  it('fills every default, resolves paths against the YAML folder and keeps a hub id', () => {
    const loaded = parseRunConfig(MINIMAL, FILE);
    expect(loaded.config.dataset).toBe('/configs/data/ds');
    expect(loaded.config.output_dir).toBe('/configs/run/out');
    expect(loaded.config.model.base).toBe('facebook/opt-125m');
    expect(loaded.config.train.learning_rate).toBe(1e-5);
    expect(loaded.config.lora.target_modules).toEqual([
      'q_proj',
      'k_proj',
      'v_proj',
      'out_proj',
      'fc1',
      'fc2',
    ]);
    expect(loaded.config.checkpoint).toEqual({ every_steps: 200, keep_last: 2 });
    expect(loaded.fromDefaults.has('train.learning_rate')).toBe(true);
    expect(loaded.fromDefaults.has('dataset')).toBe(false);
    expect(loaded.fromDefaults.has('model.base')).toBe(false);
  });

  it('has the same defaults as the worker (pygbox_worker.train.config --defaults)', async () => {
    const paths = workerPaths();
    const { stdout } = await promisify(execFile)(
      paths.python,
      ['-m', 'pygbox_worker.train.config', '--defaults'],
      { cwd: paths.workerFolder, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
    );
    const { dataset, output_dir, ...rest } = parseRunConfig(MINIMAL, FILE).config;
    const { base, ...model } = rest.model;
    expect({ dataset, output_dir, base }).toBeDefined();
    expect({ ...rest, model }).toEqual(JSON.parse(stdout));
  });

  it('marks the settings that came from defaults when printing them', () => {
    const text = formatRunConfig(parseRunConfig(`${MINIMAL}train:\n  learning_rate: 2.0e-4\n`, FILE));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`settings from ${FILE}:`);
    expect(lines.find((line) => line.includes('train.learning_rate'))).toMatch(
      /train\.learning_rate +0\.0002$/,
    );
    expect(lines.find((line) => line.includes('train.epochs'))).toMatch(/train\.epochs +1 {2}\(default\)$/);
    expect(lines.find((line) => line.includes('model.config_overrides'))).toMatch(/\{\} {2}\(default\)$/);
    // One line per setting: 33 keys in all.
    expect(lines).toHaveLength(1 + 33);
  });

  it('refuses an unknown top-level key, naming it, its line and the known keys', () => {
    const error = parseError(`${MINIMAL}\nlearning_rate: 0.1\n`);
    expect(error.code).toBe('usage');
    expect(error.message).toBe('unknown key `learning_rate`');
    expect(error.place).toEqual({ file: FILE, line: 6, field: 'learning_rate' });
    expect(error.hint).toContain('at the top level are: dataset, output_dir, model, method, lora, train');
  });

  it('refuses an unknown nested key with the keys of its section', () => {
    const error = parseError(`${MINIMAL}train:\n  epochs: 2\n  learnin_rate: 0.1\n`);
    expect(error.message).toBe('unknown key `train.learnin_rate`');
    expect(error.place.line).toBe(7);
    expect(error.hint).toContain('under train are: epochs, max_steps');
    expect(error.describe()).toMatch(/^\/configs\/run\/train\.yaml:7 train\.learnin_rate: unknown key/);
  });

  it('names the field and line of a value of the wrong type', () => {
    const error = parseError(`${MINIMAL}train:\n  epochs: two\n`);
    expect(error.place).toEqual({ file: FILE, line: 6, field: 'train.epochs' });
    expect(error.message).toContain('`train.epochs`: Invalid input: expected number, received string');
    const choice = parseError(`${MINIMAL}method: qlora\n`);
    expect(choice.place.field).toBe('method');
    expect(choice.message).toContain('"full"|"lora"');
  });

  it('names a missing required field and points at where it belongs', () => {
    const missingModel = parseError('dataset: ds\noutput_dir: out\n');
    expect(missingModel.message).toBe('`model` is required');
    const missingBase = parseError('dataset: ds\noutput_dir: out\nmodel:\n  init: random\n');
    expect(missingBase.message).toBe('`model.base` is required');
    expect(missingBase.place.line).toBe(3);
  });

  it('checks bounds the worker checks too (warmup steps or fraction, betas below 1)', () => {
    expect(parseRunConfig(`${MINIMAL}train:\n  warmup_steps: 10\n`, FILE).config.train.warmup_steps).toBe(10);
    expect(parseRunConfig(`${MINIMAL}train:\n  warmup_steps: 0.1\n`, FILE).config.train.warmup_steps).toBe(
      0.1,
    );
    expect(parseError(`${MINIMAL}train:\n  warmup_steps: 1.5\n`).message).toContain('fraction in (0, 1)');
    expect(parseError(`${MINIMAL}train:\n  adam_beta2: 1\n`).place.field).toBe('train.adam_beta2');
    expect(parseError(`${MINIMAL}train:\n  max_steps: 0\n`).place.field).toBe('train.max_steps');
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const syntax = parseError('dataset: ds\nmodel:\n  base: [unclosed\n');
    expect(syntax.message).toMatch(/^is not valid YAML/);
    expect(syntax.place.line).toBeGreaterThanOrEqual(3);
    const duplicate = parseError(`${MINIMAL}dataset: other\n`);
    expect(duplicate.message).toMatch(/^is not valid YAML/);
    expect(duplicate.place.line).toBe(5);
  });

  it('resolves a model folder next to the config, and refuses a path that does not exist', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pygbox-config-'));
    mkdirSync(join(folder, 'tiny'));
    writeFileSync(join(folder, 'a.yaml'), 'dataset: ds\noutput_dir: out\nmodel:\n  base: tiny\n');
    expect((await readRunConfig(join(folder, 'a.yaml'))).config.model.base).toBe(join(folder, 'tiny'));
    writeFileSync(join(folder, 'b.yaml'), 'dataset: ds\noutput_dir: out\nmodel:\n  base: ./missing\n');
    const error = await pygboxRejection(readRunConfig(join(folder, 'b.yaml')));
    expect(error.place).toEqual({ file: join(folder, 'b.yaml'), line: 4, field: 'model.base' });
    const unreadable = await pygboxRejection(readRunConfig(join(folder, 'none.yaml')));
    expect(unreadable.code).toBe('input-unreadable');
  });

  it('finds the line of any field for errors the worker reports later', () => {
    const loaded = parseRunConfig(`${MINIMAL}train:\n  epochs: 2\n  learning_rate: 0.5\n`, FILE);
    expect(loaded.lineOf('train.learning_rate')).toBe(7);
    expect(loaded.lineOf('model.base')).toBe(4);
    // Not in the file: the line of its section, or the top.
    expect(loaded.lineOf('train.seed')).toBe(5);
    expect(loaded.lineOf('lora.r')).toBe(1);
  });

  it('reads every sample config in samples/train', async () => {
    const samples = join(import.meta.dirname, '../../../samples/train');
    const names = readdirSync(samples).filter((name) => name.endsWith('.yaml'));
    expect(names.sort()).toEqual(['opt-1.3b-full.yaml', 'opt-350m-lora.yaml', 'tiny-opt.yaml']);
    const loaded = await Promise.all(names.map((name) => readRunConfig(join(samples, name))));
    const byName = new Map(names.map((name, index) => [name, loaded[index]?.config]));
    expect(byName.get('tiny-opt.yaml')?.model).toMatchObject({
      base: join(samples, 'tiny-opt'),
      init: 'random',
    });
    expect(byName.get('opt-350m-lora.yaml')?.method).toBe('lora');
    expect(byName.get('opt-1.3b-full.yaml')?.model.base).toBe('facebook/opt-1.3b');
  });
});
