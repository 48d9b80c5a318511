/**
 * Anonymize + audit + zip throughput on a generated store of 100,000 messages (~50 MB of capture
 * JSON), against a plain JSON parse+stringify of the same data run side by side. Each stage runs
 * in its own process, pinned to one core when `taskset` exists. Results go to bench/RESULTS.md.
 *
 *   npm run bench            (or: npx tsx bench/anonymize-zip.bench.ts [messages] [repeats])
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCaptureLines } from './generate-captures.ts';
import { machineDescription, updateResults } from './results-file.ts';

const messages = Number(process.argv[2] ?? 100_000);
const repeats = Number(process.argv[3] ?? 3);
const dataDir = join(import.meta.dirname, '.data');
const file = join(dataDir, `captures-${messages}.jsonl`);

if (!existsSync(file)) {
  mkdirSync(dataDir, { recursive: true });
  const generated = generateCaptureLines(messages);
  writeFileSync(file, `${generated.lines.join('\n')}\n`);
}

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

function runStage(stage: string): Record<string, number> {
  const command = [
    process.execPath,
    '--expose-gc',
    '--import',
    'tsx',
    join(import.meta.dirname, 'measure-stage.ts'),
    stage,
    file,
  ];
  const [program, ...args] = hasTaskset ? ['taskset', '-c', '0', ...command] : command;
  const output = execFileSync(program ?? process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const baseline: Record<string, number>[] = [];
const pipeline: Record<string, number>[] = [];
for (let i = 0; i < repeats; i += 1) {
  // Interleaved, so drift in the machine's speed hits both sides alike.
  baseline.push(runStage('json-roundtrip'));
  pipeline.push(runStage('anonymize-zip'));
}

const megabytes = (baseline[0]?.bytes ?? 0) / 1e6;
const baseSeconds = median(baseline.map((run) => run.seconds ?? Number.NaN));
const pipeSeconds = median(pipeline.map((run) => run.seconds ?? Number.NaN));
const first = pipeline[0] ?? {};
const peakMiB = Math.max(...pipeline.map((run) => run.maxRssMiB ?? 0));
const rssBeforeMiB = median(pipeline.map((run) => run.rssBeforeMiB ?? Number.NaN));
const growthMiB = Math.max(...pipeline.map((run) => (run.maxRssMiB ?? 0) - (run.rssBeforeMiB ?? 0)));
const dataMiB = (baseline[0]?.bytes ?? 0) / 1024 / 1024;
const fmt = (value: number, digits = 1) => value.toFixed(digits);

const section = [
  `Machine: ${machineDescription()}${hasTaskset ? ', pinned to core 0 with taskset' : ''}. Date: ${new Date().toISOString().slice(0, 10)}.`,
  `Data: ${first.messages ?? messages} messages, ${fmt(megabytes)} MB of capture JSON lines (bench/generate-captures.ts), median of ${repeats} interleaved runs, each in a fresh process.`,
  '',
  '| stage | seconds | MB/s of capture JSON | ratio to JSON round trip |',
  '| --- | --- | --- | --- |',
  `| baseline: JSON.parse + JSON.stringify of every record | ${fmt(baseSeconds, 2)} | ${fmt(megabytes / baseSeconds)} | 1.00x |`,
  `| anonymize + audit + zip (from the adapted store) | ${fmt(pipeSeconds, 2)} | ${fmt(megabytes / pipeSeconds)} | ${fmt(pipeSeconds / baseSeconds, 2)}x |`,
  `| of which anonymize + audit | ${fmt(median(pipeline.map((run) => run.anonymizeAuditSeconds ?? Number.NaN)), 2)} | | |`,
  `| of which zip (manifest, sha256, deflate) | ${fmt(median(pipeline.map((run) => run.zipSeconds ?? Number.NaN)), 2)} | | |`,
  `| not counted: parse + adapt the captures into the store | ${fmt(median(pipeline.map((run) => run.loadSeconds ?? Number.NaN)), 2)} | | |`,
  '',
  `Memory: data ${fmt(dataMiB)} MiB; process RSS with the store loaded ${fmt(rssBeforeMiB)} MiB; peak RSS ${fmt(peakMiB)} MiB; largest growth above the loaded store during anonymize+zip ${fmt(growthMiB)} MiB (${fmt(growthMiB / dataMiB, 2)}x the data). Zip: ${fmt((first.zipBytes ?? 0) / 1e6)} MB.`,
  'Targets (issue 2): at least 50 MB/s, within 4x of the JSON round trip, peak memory under 3x the data size.',
].join('\n');

updateResults('anonymize-zip', 'Anonymize + zip throughput', section);
process.stdout.write(`${section}\n`);
