/**
 * `pygbox dataset build` throughput and memory on a generated export of 1,000,000 messages, against
 * the tokenizer alone on the same message texts, run side by side: the build has to tokenize every
 * message once, so that is its floor (target: the whole build within 1.5x of it). Each stage runs
 * in its own process, pinned to one core when `taskset` exists; runs are interleaved so drift in
 * the machine's speed hits both sides alike. CPU time (user + system) is the figure compared: on a
 * machine shared with other jobs, wall time swings by a third from run to run. Results go to
 * bench/RESULTS.md.
 *
 *   npx tsx bench/dataset-build.bench.ts [messages=1000000] [repeats=1]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildGpt2TokenizerFiles } from '../trainer-node/dataset/tokenizer/gpt2-tokenizer-files.ts';
import { writeBenchZip } from './dataset-build-generate.ts';
import { machineDescription, updateResults } from './results-file.ts';

const messages = Number(process.argv[2] ?? 1_000_000);
const repeats = Number(process.argv[3] ?? 1);
const dataDir = join(import.meta.dirname, '.data');
const zipFile = join(dataDir, `dataset-${messages}.zip`);
const tokenizerDir = join(dataDir, 'gpt2-tokenizer');
const outDir = join(dataDir, 'dataset-build-out');

mkdirSync(tokenizerDir, { recursive: true });
for (const [name, text] of Object.entries(await buildGpt2TokenizerFiles('gpt2'))) {
  writeFileSync(join(tokenizerDir, name), text);
}
if (!existsSync(zipFile)) {
  process.stderr.write(`generating ${messages} messages into ${zipFile}\n`);
  await writeBenchZip(zipFile, messages);
}

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

function runStage(stage: 'tokenize' | 'build'): Record<string, number | string> {
  const command = [
    process.execPath,
    '--max-old-space-size=8192',
    '--import',
    'tsx',
    join(import.meta.dirname, 'dataset-build-stage.ts'),
    stage,
    zipFile,
    tokenizerDir,
    outDir,
  ];
  const [program, ...args] = hasTaskset ? ['taskset', '-c', '0', ...command] : command;
  const output = execFileSync(program ?? process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  process.stderr.write(output);
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
}

const runs: Record<'tokenize' | 'build', Record<string, number | string>[]> = { tokenize: [], build: [] };
// Other jobs on a shared machine slow both sides alike only if they last; the load is recorded.
const loads: number[] = [loadavg()[0] ?? 0];
for (let i = 0; i < repeats; i += 1) {
  runs.tokenize.push(runStage('tokenize'));
  loads.push(loadavg()[0] ?? 0);
  runs.build.push(runStage('build'));
  loads.push(loadavg()[0] ?? 0);
}

const numbers = (stage: 'tokenize' | 'build', key: string) => runs[stage].map((run) => Number(run[key]));
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fmt = (value: number, digits = 1) => value.toFixed(digits);
const tokenizeSeconds = median(numbers('tokenize', 'seconds'));
const readSeconds = median(numbers('tokenize', 'readSeconds'));
const buildSeconds = median(numbers('build', 'seconds'));
const tokenizeCpu = median(numbers('tokenize', 'cpuSeconds'));
const buildCpu = median(numbers('build', 'cpuSeconds'));
const build = runs.build[0] ?? {};
const tokenize = runs.tokenize[0] ?? {};
const zipMB = statSync(zipFile).size / 1e6;
const perSecond = (seconds: number) => fmt(messages / seconds, 0);

// The 1,000,000-message figure is the issue's; other sizes get their own section beside it.
updateResults(
  messages === 1_000_000 ? 'dataset-build' : `dataset-build-${messages}`,
  messages === 1_000_000 ? 'Dataset build throughput' : `Dataset build throughput, ${messages} messages`,
  [
    `Script: bench/dataset-build.bench.ts. Machine: ${machineDescription()}${hasTaskset ? ', each stage pinned to core 0 with taskset' : ''}. Date: ${new Date().toISOString().slice(0, 10)}.`,
    `Data: ${messages} messages in ${runs.build[0]?.examples ?? '?'} examples from a generated Pygbox export zip of ${fmt(zipMB)} MB (bench/dataset-build-generate.ts: chats of 10 to 70 messages of 3 to 60 words), tokenized with the GPT-2 BPE by @huggingface/tokenizers: ${tokenize.tokens} message tokens in ${fmt(Number(tokenize.chars) / 1e6)} M characters; the build wrote ${build.tokensWritten} example tokens (${build.trainedTokens} trained). ${repeats === 1 ? 'One run each' : `Median of ${repeats} interleaved runs`}, each stage in a fresh process.`,
    '',
    '| stage | CPU seconds | wall seconds | messages per CPU second | against the tokenizer alone (CPU; wall) | process peak |',
    '| --- | --- | --- | --- | --- | --- |',
    `| baseline: the tokenizer alone on every message text (chats already in memory) | ${fmt(tokenizeCpu, 2)} | ${fmt(tokenizeSeconds, 2)} | ${perSecond(tokenizeCpu)} | 1.00x | ${fmt(Math.max(...numbers('tokenize', 'processPeakMiB')))} MiB |`,
    `| the whole \`pygbox dataset build\`: read and check the zip, dedupe, filter, split, tokenize, mask, write shards, index, stats, preview | ${fmt(buildCpu, 2)} | ${fmt(buildSeconds, 2)} | ${perSecond(buildCpu)} | ${fmt(buildCpu / tokenizeCpu, 2)}x; ${fmt(buildSeconds / tokenizeSeconds, 2)}x | ${fmt(Math.max(...numbers('build', 'processPeakMiB')))} MiB |`,
    `| not counted in the baseline: reading and checking the zip into chats (wall) | | ${fmt(readSeconds, 2)} | | | |`,
    '',
    `One-minute load average on the machine between stages: ${loads.map((load) => fmt(load)).join(', ')} (${cpus().length} cores).`,
    `Tokenization mode: ${build.mode} (each message tokenized once; examples assembled from the pieces, checked on a sample against the prompt tokenized whole).`,
    'Target (issue 5): the whole build within 1.5x of tokenization alone.',
  ].join('\n'),
);
process.stdout.write(
  `tokenize ${fmt(tokenizeCpu, 2)} CPU s, build ${fmt(buildCpu, 2)} CPU s: ${fmt(buildCpu / tokenizeCpu, 2)}x (wall ${fmt(buildSeconds / tokenizeSeconds, 2)}x)\n`,
);
