import { execFile, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { readDatasetIndex } from '../../../trainer-node/dataset/dataset-index.ts';
import type { DatasetStats } from '../../../trainer-node/dataset/dataset-stats.ts';
import {
  type DatasetBuildOptions,
  DEFAULT_BUILD_OPTIONS,
  runDatasetBuild,
} from '../../../trainer-node/dataset/run-dataset-build.ts';
import { WORKER_PYTHON } from '../../../trainer-node/dataset/tokenizer/worker-tokenize.ts';
import { runImport } from '../../../trainer-node/import/run-import.ts';
import { pngWithCard } from './card-png.ts';
import { fixtureTokenizer, tokenizerFolder } from './tokenizer-fixture.ts';

/**
 * The whole build on every input kind at once: a Pygbox zip, capture files, an old dumper file,
 * PIPPA lines, a SillyTavern chat, a card as JSON and one inside a PNG, plus malformed input.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'trainer-node/bin/pygbox.js');
const run = promisify(execFile);

/** Every trace of the invented users of the samples (samples/captures/README.md, samples/dataset/README.md). */
const IDENTITIES = [
  'zoe_starlight',
  'Zoë',
  'Zoe',
  'ZOË',
  'Starling',
  'Nightingale',
  '777000111',
  '4242',
  'Mira',
  'Holt',
];
const OTHER_TRACES = [
  'zoe.starlight@example.com',
  '555-0142',
  'tidewriter_examples',
  'NAME_IN_MESSAGE_REDACTED',
];

let inputs: string;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pygbox-dataset-'));
  inputs = join(work, 'inputs');
  mkdirSync(inputs);
  for (const name of readdirSync(join(ROOT, 'samples/captures'))) {
    if (!name.endsWith('.md')) copyFileSync(join(ROOT, 'samples/captures', name), join(inputs, name));
  }
  for (const name of readdirSync(join(ROOT, 'samples/dataset'))) {
    if (!name.endsWith('.md')) copyFileSync(join(ROOT, 'samples/dataset', name), join(inputs, name));
  }
  copyFileSync(
    join(ROOT, 'tests/fixtures/dataset/broken-sillytavern.jsonl'),
    join(inputs, 'z-broken-sillytavern.jsonl'),
  );
  writeFileSync(
    join(inputs, 'card-brine.png'),
    pngWithCard({
      spec: 'chara_card_v2',
      data: {
        name: 'Captain Brine',
        description: 'A captain from a card.',
        scenario: 'The Salt Gull leaves at dawn.',
      },
    }),
  );
  writeFileSync(join(inputs, 'not-a-card.png'), 'not a png at all');
  writeFileSync(join(inputs, 'broken.zip'), 'PK\u0003\u0004 this is not a zip');
  // A real export zip of the same captures, written by `pygbox import`.
  await runImport({
    inputs: [join(ROOT, 'samples/captures')],
    out: join(work, 'chats.jsonl'),
    zip: join(inputs, 'export.zip'),
    identities: [],
    redactions: [],
    formats: [],
    day: '2026-01-01',
  });
});

async function build(out: string, overrides: Partial<DatasetBuildOptions> = {}) {
  return runDatasetBuild({
    inputs: [inputs],
    out,
    tokenizer: await tokenizerFolder('opt'),
    // Packs shorter than the default 2048, so the samples fill several.
    maxLength: 512,
    packLength: 512,
    evalFraction: 0.3,
    minReplyWords: 3,
    shardTokens: 1024,
    identities: [],
    redactions: [],
    strict: false,
    overwrite: false,
    previewExamples: DEFAULT_BUILD_OPTIONS.previewExamples,
    ...overrides,
  });
}

function readShardExamples(
  folder: string,
  split: 'train' | 'eval',
  index: Awaited<ReturnType<typeof readDatasetIndex>>,
) {
  const examples: { ids: number[]; mask: number[] }[] = [];
  for (const shard of index.splits[split].shards) {
    const bytes = readFileSync(join(folder, shard.ids));
    const ids = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const mask = readFileSync(join(folder, shard.mask));
    expect(ids.length).toBe(shard.tokens);
    expect(mask.length).toBe(shard.tokens);
    for (const [position, offset] of shard.exampleOffsets.entries()) {
      const length = shard.exampleLengths[position] ?? 0;
      examples.push({
        ids: [...ids.subarray(offset, offset + length)],
        mask: [...mask.subarray(offset, offset + length)],
      });
    }
  }
  return examples;
}

describe('pygbox dataset build', () => {
  let out: string;
  let stats: DatasetStats;

  beforeAll(async () => {
    out = join(work, 'dataset');
    stats = (await build(out)).stats;
  });

  it('reads every input kind and counts each source', () => {
    for (const kind of ['pygbox-zip', 'capture', 'dumper', 'pippa', 'sillytavern'] as const) {
      expect(stats.sources[kind].episodes, kind).toBeGreaterThan(0);
    }
    expect(stats.sources.capture.files).toBe(2);
    expect(stats.sources.dumper.files).toBe(1);
    expect(stats.sources.sillytavern.files).toBe(2);
    expect(stats.cards).toEqual({ read: 2, used: 2 });
    // The zip and the captures hold the same five chats: one copy of each is used.
    expect(stats.filters.episodes['exact-duplicate']).toBe(5);
    expect(
      stats.sources['pygbox-zip'].episodesUsed +
        stats.sources.capture.episodesUsed +
        stats.sources.dumper.episodesUsed,
    ).toBe(5);
    // Every episode read is either used on one side or counted by exactly one episode filter.
    const read = Object.values(stats.sources).reduce((sum, source) => sum + source.episodes, 0);
    const dropped = Object.values(stats.filters.episodes).reduce((sum, count) => sum + count, 0);
    expect(dropped + stats.episodes.train + stats.episodes.eval).toBe(read);
  });

  it('reports malformed files and lines with file and line, and builds from the rest', () => {
    const skipped = stats.skipped.map(
      (skip) => `${skip.file.slice(inputs.length + 1)}:${skip.line ?? '-'}: ${skip.message}`,
    );
    expect(skipped).toContain('pippa-sample.jsonl:3: not a PIPPA chat: field `conversation`: expected array');
    expect(skipped).toContain('z-broken-sillytavern.jsonl:3: not valid JSON (at character 145)');
    expect(
      skipped.some((line) =>
        line.startsWith('z-broken-sillytavern.jsonl:6: not a SillyTavern message: field `is_user`'),
      ),
    ).toBe(true);
    expect(skipped).toContain('not-a-card.png:-: not a PNG file');
    expect(skipped.some((line) => line.startsWith('broken.zip:-: not a valid Pygbox export zip'))).toBe(true);
    expect(stats.examples.train + stats.examples.eval).toBeGreaterThan(20);
  });

  it('writes an index the zod schema accepts, shards that match it, stats, a preview and the tokenizer', async () => {
    const index = await readDatasetIndex(out);
    const opt = await fixtureTokenizer('opt');
    expect(index.tokenizer).toMatchObject({
      sha256: opt.sha256,
      eosTokenId: 2,
      prefixTokenIds: [2],
      vocabSize: 50260,
    });
    expect(index.splits.train.shards.length).toBeGreaterThan(1); // 1024-token shards
    for (const split of ['train', 'eval'] as const) {
      const examples = readShardExamples(out, split, index);
      expect(examples).toHaveLength(index.splits[split].examples);
      for (const example of examples) {
        const firstTrained = example.mask.indexOf(1);
        expect(example.ids[0]).toBe(2);
        expect(example.mask[0]).toBe(0);
        expect(example.ids.at(-1)).toBe(2);
        expect(example.mask.at(-1)).toBe(1);
        // One masked run, then one trained run.
        expect(example.mask.slice(firstTrained).every((bit) => bit === 1)).toBe(true);
        expect(example.mask.slice(0, firstTrained).every((bit) => bit === 0)).toBe(true);
      }
      for (const shard of index.splits[split].shards) {
        const starts = [...shard.packStarts, shard.exampleOffsets.length];
        for (let pack = 0; pack + 1 < starts.length; pack += 1) {
          const lengths = shard.exampleLengths.slice(starts[pack], starts[pack + 1]);
          const total = lengths.reduce((sum, length) => sum + length, 0);
          expect(total).toBeLessThanOrEqual(index.packLength);
        }
      }
    }
    // stats.json travels with the dataset: skipped inputs are named by place, never by path.
    const written = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
    expect({ ...written, skipped: [] }).toEqual({ ...stats, skipped: [] });
    expect(written.skipped.map((skip: { file: string }) => skip.file)).toContain('input 11 of 11 (.jsonl)');
    expect(JSON.stringify(written)).not.toContain(work);
    const preview = readFileSync(join(out, 'preview.txt'), 'utf8');
    expect(preview).toContain('⟦');
    expect(preview).toContain('</s>');
    expect(existsSync(join(out, 'tokenizer/tokenizer.json'))).toBe(true);
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('leaves no identity of the invented users in any token, and renders the user as You', async () => {
    const index = await readDatasetIndex(out);
    const opt = await fixtureTokenizer('opt');
    const texts = (['train', 'eval'] as const).flatMap((split) =>
      readShardExamples(out, split, index).map((example) => opt.decode(example.ids)),
    );
    const all = texts.join('\n');
    for (const trace of [...IDENTITIES, ...OTHER_TRACES])
      expect(all.toLowerCase()).not.toContain(trace.toLowerCase());
    expect(all).toContain("You: I'm You. How late are we talking?");
    expect(all).toContain('My name is You, by the way.');
    // Cards fill what a chat lacks: Old Tom's persona and scenario from the JSON card; from the PNG,
    // only the scenario for the captured Brine chat (it has the site's persona), both for the
    // SillyTavern one.
    expect(all).toContain("Old Tom's Persona: Old Tom is a weathered ferryman");
    expect(all).toContain('Scenario: You waits for a late ferry');
    expect(all).toContain(
      "Captain Brine's Persona: A loud, kind sea captain.\nScenario: The Salt Gull leaves at dawn.",
    );
    expect(all).toContain(
      "Captain Brine's Persona: A captain from a card.\nScenario: The Salt Gull leaves at dawn.",
    );
  });

  it('never puts one episode on both sides of the split', async () => {
    const index = await readDatasetIndex(out);
    const opt = await fixtureTokenizer('opt');
    // With no trimming at this budget, a prompt's header and first dialogue line name its episode.
    const episodeOf = (ids: number[]) =>
      opt.decode(ids).split('\n').slice(0, 4).join('\n').split('\nYou:')[0];
    const train = new Set(readShardExamples(out, 'train', index).map((example) => episodeOf(example.ids)));
    const evalSide = readShardExamples(out, 'eval', index).map((example) => episodeOf(example.ids));
    expect(evalSide.length).toBeGreaterThan(0);
    for (const episode of evalSide) expect(train.has(episode)).toBe(false);
  });

  it('the Python worker reads the shards with numpy and gets the same examples', async () => {
    if (!existsSync(WORKER_PYTHON)) throw new Error(`${WORKER_PYTHON} is missing: run npm run setup`);
    const { stdout } = await run(
      WORKER_PYTHON,
      ['-m', 'pygbox_worker.dataset_reader', out, '--split', 'train'],
      {
        cwd: join(ROOT, 'trainer-node/worker'),
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      },
    );
    const summary = z
      .object({
        examples: z.number(),
        tokens: z.number(),
        trained_tokens: z.number(),
        longest_pack: z.number(),
        first_input_ids: z.array(z.number()),
        first_labels: z.array(z.number()),
      })
      .parse(JSON.parse(stdout));
    const index = await readDatasetIndex(out);
    const first = readShardExamples(out, 'train', index)[0];
    expect(summary).toMatchObject({
      examples: index.splits.train.examples,
      tokens: index.splits.train.tokens,
      trained_tokens: index.splits.train.trainedTokens,
    });
    expect(summary.longest_pack).toBeLessThanOrEqual(index.packLength);
    expect(summary.first_input_ids).toEqual(first?.ids);
    expect(summary.first_labels).toEqual(
      first?.ids.map((id, position) => (first.mask[position] === 1 ? id : -100)),
    );
    // The trainer reads with this module, not through the zod schema: it checks the index too.
    const damaged = join(work, 'damaged');
    mkdirSync(damaged);
    for (const name of readdirSync(out)) {
      if (name.endsWith('.bin')) copyFileSync(join(out, name), join(damaged, name));
    }
    const shard = index.splits.train.shards[0];
    if (shard === undefined) throw new Error('no train shard');
    const moved = {
      ...shard,
      promptLengths: shard.promptLengths.map((length, at) => (at === 0 ? length - 1 : length)),
    };
    writeFileSync(
      join(damaged, 'index.json'),
      JSON.stringify({
        ...index,
        splits: {
          ...index.splits,
          train: { ...index.splits.train, shards: [moved, ...index.splits.train.shards.slice(1)] },
        },
      }),
    );
    const refused = await run(WORKER_PYTHON, ['-m', 'pygbox_worker.dataset_reader', damaged], {
      cwd: join(ROOT, 'trainer-node/worker'),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    }).catch((error: unknown) => error);
    expect(String((refused as { stderr?: string }).stderr)).toContain(
      'the mask does not match promptLengths',
    );
  });

  it('with --strict, any skip is an error and no folder appears', async () => {
    const strictOut = join(work, 'strict');
    const error = await build(strictOut, { strict: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PygboxError);
    expect((error as PygboxError).message).toContain('pippa-sample.jsonl:3');
    expect(existsSync(strictOut)).toBe(false);
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('refuses a pack length below the example length before reading anything', async () => {
    // Examples up to --max-length would not fit a pack: the index would promise packs it cannot hold.
    const out = join(work, 'short-packs');
    const error = await build(out, { maxLength: 512, packLength: 256 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PygboxError);
    expect((error as PygboxError).code).toBe('usage');
    expect((error as PygboxError).message).toContain('--pack-length');
    expect(existsSync(out)).toBe(false);
  });

  it('fails, leaving nothing, when no example can be built', async () => {
    const lonely = join(work, 'lonely');
    mkdirSync(lonely);
    writeFileSync(
      join(lonely, 'greeting-only.jsonl'),
      `${JSON.stringify({ bot_name: 'Sable', conversation: [{ message: 'Hello, stranger.', is_human: false }] })}\n`,
    );
    const emptyOut = join(work, 'empty');
    await expect(build(emptyOut, { inputs: [lonely] })).rejects.toThrow(
      'no training examples could be built',
    );
    expect(existsSync(emptyOut)).toBe(false);
  });

  it('leaves out the chats named in --exclude, and refuses to replace a folder without --overwrite', async () => {
    const excludeFile = join(work, 'exclude.txt');
    const ariaKey = z
      .object({ key: z.string() })
      .parse(JSON.parse(readFileSync(join(work, 'chats.jsonl'), 'utf8').split('\n')[0] ?? '')).key;
    writeFileSync(excludeFile, `# Aria's chat\n${ariaKey}\n`);
    await expect(build(out, { excludeFile })).rejects.toThrow('the output folder already exists');
    const excludedOut = join(work, 'excluded');
    // What a build of the same folder killed mid-write left: the next build clears it away.
    const killed = join(work, `.excluded.tmp-${spawnSync(process.execPath, ['-e', '0']).pid}-0badc0de`);
    mkdirSync(killed);
    const result = await build(excludedOut, { excludeFile });
    expect(existsSync(killed)).toBe(false);
    // The zip's copy and the capture's copy of the same chat share its key: one is counted as
    // excluded, the other as its duplicate (every episode is counted once), and neither is used.
    const dropped = (episodes: DatasetStats['filters']['episodes']) =>
      episodes.excluded + episodes['exact-duplicate'] + episodes['near-duplicate'];
    expect(result.stats.filters.episodes.excluded).toBe(1);
    expect(dropped(result.stats.filters.episodes)).toBe(dropped(stats.filters.episodes) + 1);
    expect(result.stats.examples.train + result.stats.examples.eval).toBeLessThan(
      stats.examples.train + stats.examples.eval,
    );
    writeFileSync(excludeFile, 'not-a-key\n');
    await expect(build(join(work, 'bad-exclude'), { excludeFile })).rejects.toThrow(
      'this line is not a chat key',
    );
    const replaced = await build(out, { overwrite: true, evalFraction: 0 });
    expect(replaced.stats.examples.eval).toBe(0);
    expect((await readDatasetIndex(out)).evalFraction).toBe(0);
  });

  it('runs from the CLI and prints the summary; dataset show marks the trained span', async () => {
    const cliOut = join(work, 'cli');
    const tokenizer = join(work, 'cli-tokenizer');
    await run(process.execPath, [BIN, 'dataset', 'tokenizer', tokenizer, '--variant', 'gpt2'], { cwd: ROOT });
    const built = await run(
      process.execPath,
      [
        BIN,
        'dataset',
        'build',
        join(ROOT, 'samples/captures'),
        join(ROOT, 'samples/dataset'),
        '-o',
        cliOut,
        '--tokenizer',
        tokenizer,
      ],
      { cwd: ROOT },
    );
    expect(built.stdout).toMatch(/^pippa: 1 file\(s\), 2 chat\(s\)/m);
    expect(built.stdout).toContain('samples/dataset/pippa-sample.jsonl:3: not a PIPPA chat');
    expect(built.stdout).toContain(`wrote ${cliOut}`);
    const shown = await run(process.execPath, [BIN, 'dataset', 'show', cliOut, '--example', '1'], {
      cwd: ROOT,
    });
    expect(shown.stdout).toMatch(/^=== train example 1 ===\n/);
    expect(shown.stdout).toMatch(/:⟦ [^⟧]+<\|endoftext\|>⟧\n\[\d+ tokens: \d+ masked, \d+ trained\]/);
  });
});
