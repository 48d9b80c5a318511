/**
 * Uploads per second and latency of `pygbox serve` under 50 concurrent clients sending 1 MB
 * export zips, on loopback, against a baseline run side by side: the same framework answering the
 * same POSTs without checking or storing them (bench/upload-server-baseline.ts). Also a
 * duplicate-heavy run (every chat already held) and the in-process cost of checking one zip
 * (read + verify + audit), stage by stage (bench/upload-server-stages.ts): the part no amount of
 * I/O tuning removes. The previous run's figures (this section of `previousResults`, by default
 * bench/RESULTS.md as it was) are kept below the new ones, so a change is recorded before/after.
 *
 *   npx tsx bench/upload-server.bench.ts [uploads=100] [clients=50] [maxSeconds=120] [verifyThreads]
 *     [previousResults=bench/RESULTS.md] [previousNote]
 *
 * Each run is bounded: at most `uploads` requests, and no new request after `maxSeconds`.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { uploadExportZip } from '../shared/upload/upload-export-zip.ts';
import { spawnListening } from '../tests/support/spawn-listening.ts';
import { SERVE_DEFAULTS } from '../trainer-node/serve/serve-config.ts';
import { machineDescription, updateResults } from './results-file.ts';
import { measureVerifyStages, stageTable } from './upload-server-stages.ts';
import { benchZip, chatsForZipBytes } from './upload-server-zips.ts';

const uploads = Number(process.argv[2] ?? 100);
const clients = Number(process.argv[3] ?? 50);
const maxSeconds = Number(process.argv[4] ?? 120);
const verifyThreads = Number(process.argv[5] ?? SERVE_DEFAULTS.verifyThreads);
const ZIP_BYTES = 1_000_000;
const DUPLICATE_SET = 10;
const ROOT = resolve(import.meta.dirname, '..');
const SECTION_ID = 'upload-server';
const previousResults = resolve(process.argv[6] ?? join(ROOT, 'bench', 'RESULTS.md'));
const PREVIOUS_HEADING = '### The run before this one';
/** What the previous run measured that this one does not, e.g. the commit before a change. */
const previousNote = process.argv[7];

interface RunResult {
  name: string;
  sent: number;
  ok: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
  megabytes: number;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** `clients` workers take the next body until `bodies` run out or time is up. */
async function load(name: string, url: string, bodies: readonly Uint8Array[]): Promise<RunResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  let megabytes = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const worker = async () => {
    while (next < bodies.length && performance.now() < deadline) {
      const zip = bodies[next];
      next += 1;
      if (zip === undefined) continue;
      const sent = performance.now();
      try {
        await uploadExportZip({ endpoint: url, zip, consent: 'public' });
        ok += 1;
        megabytes += zip.byteLength / 1e6;
        latenciesMs.push(performance.now() - sent);
      } catch (error) {
        failed += 1;
        if (failed <= 3) log(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  return {
    name,
    sent: next,
    ok,
    failed,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
    megabytes,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function withPygboxServe<T>(work: (url: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pygbox-bench-serve-'));
  const { child, url } = await spawnListening([
    'trainer-node/bin/pygbox.js',
    'serve',
    '--port',
    '0',
    '--data',
    dataDir,
    '--rate',
    '1000000',
    '--burst',
    '1000000',
    '--max-concurrent',
    String(clients + 14),
    '--max-upload-mb',
    '8',
    '--verify-threads',
    String(verifyThreads),
  ]);
  try {
    return await work(url);
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// --- the bodies -----------------------------------------------------------------------------
const chatsPerZip = await chatsForZipBytes(ZIP_BYTES);
log(`generating ${uploads} distinct zips of ${chatsPerZip} chats (about 1 MB each)...`);
const distinct: Uint8Array[] = [];
for (let index = 0; index < uploads; index += 1) distinct.push(await benchZip(index, chatsPerZip));
const duplicates = Array.from(
  { length: uploads },
  (_, index) => distinct[index % DUPLICATE_SET] ?? new Uint8Array(),
);
const meanBytes = distinct.reduce((sum, zip) => sum + zip.byteLength, 0) / distinct.length;

// --- the runs, side by side -------------------------------------------------------------------
const results: RunResult[] = [];
{
  const { child, url } = await spawnListening(['--import', 'tsx', 'bench/upload-server-baseline.ts']);
  try {
    await load('warm-up', url, distinct.slice(0, 5));
    results.push(await load('baseline: fastify no-op POST of the same zips', url, distinct));
  } finally {
    await stop(child);
  }
}
log(`baseline done: ${results.at(-1)?.ok} uploads`);
results.push(await withPygboxServe((url) => load('pygbox serve, distinct chats', url, distinct)));
log(`distinct done: ${results.at(-1)?.ok} uploads`);
results.push(
  await withPygboxServe(async (url) => {
    await load('prime', url, distinct.slice(0, DUPLICATE_SET));
    return load(`pygbox serve, duplicates (${DUPLICATE_SET} zips over and over)`, url, duplicates);
  }),
);
log(`duplicates done: ${results.at(-1)?.ok} uploads`);

// In-process: what checking one zip costs a single core, the ceiling of one server process.
const stages = await measureVerifyStages(distinct.slice(0, 20));
const checkMs = stages.find((stage) => stage.stage.startsWith('the server’s whole check'))?.ms ?? Number.NaN;

/** The figures this run replaces, read before they are overwritten, without their own "before". */
function previousRun(): string | undefined {
  if (!existsSync(previousResults)) return undefined;
  const pattern = new RegExp(
    `<!-- bench:${SECTION_ID} -->\\n## [^\\n]*\\n([\\s\\S]*?)<!-- /bench:${SECTION_ID} -->`,
  );
  const body = pattern.exec(readFileSync(previousResults, 'utf8'))?.[1];
  return body?.split(PREVIOUS_HEADING)[0]?.trim();
}
const previous = previousRun();

// --- the report -------------------------------------------------------------------------------
const baseline = results[0];
const baselineRate = baseline === undefined ? Number.NaN : baseline.ok / baseline.seconds;
const rows = results.map((result) => {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const rate = result.ok / result.seconds;
  return `| ${result.name} | ${result.ok}/${result.sent} | ${rate.toFixed(1)} | ${(result.megabytes / result.seconds).toFixed(1)} | ${percentile(sorted, 50).toFixed(0)} | ${percentile(sorted, 95).toFixed(0)} | ${percentile(sorted, 99).toFixed(0)} | ${(rate / baselineRate).toFixed(3)} |`;
});
const body = [
  `Machine: ${machineDescription()}. Date: ${new Date().toISOString().slice(0, 10)}. Script: bench/upload-server.bench.ts ${uploads} ${clients} ${maxSeconds} ${verifyThreads}.`,
  '',
  `${clients} concurrent clients on loopback, each upload a distinct Pygbox export zip of ${chatsPerZip} invented chats (mean ${(meanBytes / 1e6).toFixed(2)} MB), sent with the shared upload client (shared/upload). The server runs as a child process, as \`pygbox serve\` does, with ${verifyThreads} verification thread(s); its limits are raised so none refuses. Ratio: uploads/s against the baseline.`,
  '',
  '| run | accepted/sent | uploads/s | MB/s | p50 ms | p95 ms | p99 ms | ratio |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  `Checking one zip in-process, as the server's verification thread does (median of ${Math.min(20, distinct.length)} zips after warm-up): ${checkMs.toFixed(0)} ms, i.e. at most ${(1000 / checkMs).toFixed(1)} uploads/s per core: the server's ceiling is about this times its verification threads, as far as the machine has cores for them. Where it goes:`,
  '',
  ...stageTable(stages),
  ...(previous === undefined
    ? []
    : ['', `${PREVIOUS_HEADING}${previousNote === undefined ? '' : ` (${previousNote})`}`, '', previous]),
].join('\n');
updateResults(SECTION_ID, 'Collection server uploads (pygbox serve)', body);
process.stdout.write(`${body}\n`);
