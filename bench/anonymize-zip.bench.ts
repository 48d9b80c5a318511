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

const STAGES = ['json-roundtrip', 'load-only', 'anonymize-zip', 'anonymize-zip-portable'] as const;
const runs: Record<(typeof STAGES)[number], Record<string, number>[]> = {
  'json-roundtrip': [],
  'load-only': [],
  'anonymize-zip': [],
  'anonymize-zip-portable': [],
};
for (let i = 0; i < repeats; i += 1) {
  // Interleaved, so drift in the machine's speed hits every side alike.
  for (const stage of STAGES) runs[stage].push(runStage(stage));
}

const figure = (stage: (typeof STAGES)[number], key: string) =>
  median(runs[stage].map((run) => run[key] ?? Number.NaN));
const worst = (stage: (typeof STAGES)[number], key: string) =>
  Math.max(...runs[stage].map((run) => run[key] ?? 0));
const bytes = runs['json-roundtrip'][0]?.bytes ?? 0;
const megabytes = bytes / 1e6;
const dataMiB = bytes / 2 ** 20;
const baseSeconds = figure('json-roundtrip', 'seconds');
const fmt = (value: number, digits = 1) => value.toFixed(digits);
const row = (label: string, seconds: number) =>
  `| ${label} | ${fmt(seconds, 2)} | ${fmt(megabytes / seconds)} | ${fmt(seconds / baseSeconds, 2)}x |`;
const loadPeak = worst('load-only', 'processPeakMiB');
const memory = (stage: (typeof STAGES)[number]) => {
  const extra = Math.max(0, worst(stage, 'processPeakMiB') - loadPeak);
  return `process peak ${fmt(worst(stage, 'processPeakMiB'))} MiB, ${fmt(extra)} MiB (${fmt(extra / dataMiB, 2)}x the data) above loading alone; the chats and zip it made hold ${fmt(figure(stage, 'liveAddedMiB'))} MiB (${fmt(figure(stage, 'liveAddedMiB') / dataMiB, 2)}x) at its end`;
};

const section = [
  `Script: bench/anonymize-zip.bench.ts. Machine: ${machineDescription()}${hasTaskset ? ', each stage pinned to core 0 with taskset' : ''}. Date: ${new Date().toISOString().slice(0, 10)}.`,
  `Data: ${runs['anonymize-zip'][0]?.messages ?? messages} messages in ${fmt(megabytes)} MB of capture JSON lines (bench/generate-captures.ts: neo turn pages, 20% of bot turns with a swipe, the user's names and some PII in texts). Median of ${repeats} interleaved runs, each stage in a fresh process; the store (adapted chats) is loaded before the clock starts.`,
  '',
  '| stage | seconds | MB/s of capture JSON | time against the JSON round trip |',
  '| --- | --- | --- | --- |',
  row('baseline: JSON.parse + JSON.stringify of every record (file already in memory)', baseSeconds),
  row('anonymize + audit + zip, Node CLI (zlib deflate and CRC)', figure('anonymize-zip', 'seconds')),
  `| of which anonymize + audit | ${fmt(figure('anonymize-zip', 'anonymizeAuditSeconds'), 2)} | | |`,
  `| of which zip: serialize, sha256, deflate level 1 | ${fmt(figure('anonymize-zip', 'zipSeconds'), 2)} | | |`,
  row(
    'anonymize + audit + zip, portable codec as in browsers (fflate)',
    figure('anonymize-zip-portable', 'seconds'),
  ),
  `| not counted: stream, parse and adapt the capture file into the store, as pygbox import does | ${fmt(figure('anonymize-zip', 'loadSeconds'), 2)} | ${fmt(megabytes / figure('anonymize-zip', 'loadSeconds'))} | |`,
  '',
  `Memory (data: ${fmt(dataMiB)} MiB). Loading alone (streamed as pygbox import does): process peak ${fmt(loadPeak)} MiB, store ${fmt(figure('load-only', 'liveStoreMiB'))} MiB live. Node CLI stage: ${memory('anonymize-zip')}. Portable stage: ${memory('anonymize-zip-portable')}. JSON round trip: process peak ${fmt(worst('json-roundtrip', 'processPeakMiB'))} MiB. Zip size: ${fmt((runs['anonymize-zip'][0]?.zipBytes ?? 0) / 1e6)} MB.`,
  '',
  'Targets (issue 2): at least 50 MB/s, within 4x of the JSON round trip, peak memory under 3x the data size.',
].join('\n');

updateResults('anonymize-zip', 'Anonymize + zip throughput', section);
process.stdout.write(`${section}\n`);
