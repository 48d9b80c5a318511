/**
 * Which zip writer is fastest on the same ~50 MB of JSON lines: the libraries' own writers (fflate,
 * JSZip, whose deflate is pako) at level 1 and their default level 6, and Pygbox's own archive
 * writer (shared/zip/write-zip-archive.ts) with the portable codec (fflate deflate + JS CRC, for
 * browsers) and the Node codec (zlib, for the CLI).
 *
 *   npx tsx bench/zip-library.bench.ts [messages] [repeats]
 */
import { zipSync } from 'fflate';
import JSZip from 'jszip';
import { writeZipArchive } from '../shared/zip/write-zip-archive.ts';
import { portableZipCodec } from '../shared/zip/zip-codec.ts';
import { nodeZipCodec } from '../trainer-node/io/node-zip-codec.ts';
import { generateCaptureLines } from './generate-captures.ts';
import { machineDescription, updateResults } from './results-file.ts';

const messages = Number(process.argv[2] ?? 100_000);
const repeats = Number(process.argv[3] ?? 3);
const data = new TextEncoder().encode(`${generateCaptureLines(messages).lines.join('\n')}\n`);
const megabytes = data.byteLength / 1e6;
const mtime = new Date('2026-01-01T00:00:00Z');

type Writer = () => Promise<Uint8Array>;
const writers: Record<string, Writer> = {
  'Pygbox writer, portable codec (fflate level 1)': () =>
    writeZipArchive([{ path: 'chats.jsonl', bytes: data }], portableZipCodec),
  'Pygbox writer, Node codec (zlib level 1)': () =>
    writeZipArchive([{ path: 'chats.jsonl', bytes: data }], nodeZipCodec),
  'fflate zipSync, level 1': async () => zipSync({ 'chats.jsonl': [data, { level: 1, mtime }] }),
  'fflate zipSync, level 6': async () => zipSync({ 'chats.jsonl': [data, { level: 6, mtime }] }),
  'JSZip generateAsync, level 1': async () =>
    new JSZip()
      .file('chats.jsonl', data, { date: mtime })
      .generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 1 } }),
  'JSZip generateAsync, level 6': async () =>
    new JSZip()
      .file('chats.jsonl', data, { date: mtime })
      .generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 } }),
};

const rows: string[] = [];
const seconds: Record<string, number> = {};
for (const [name, write] of Object.entries(writers)) {
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < repeats; i += 1) {
    const started = performance.now();
    size = (await write()).byteLength;
    times.push((performance.now() - started) / 1000);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
  seconds[name] = median;
  rows.push(
    `| ${name} | ${median.toFixed(2)} | ${(megabytes / median).toFixed(1)} | ${((100 * size) / data.byteLength).toFixed(1)}% |`,
  );
}

const baseline = seconds['JSZip generateAsync, level 6'] ?? Number.NaN;
const section = [
  `Machine: ${machineDescription()}. Date: ${new Date().toISOString().slice(0, 10)}. Script: bench/zip-library.bench.ts.`,
  `Data: ${megabytes.toFixed(1)} MB of JSON lines in one entry, median of ${repeats} runs per writer, one process.`,
  '',
  '| writer | seconds | MB/s | size of the zip |',
  '| --- | --- | --- | --- |',
  ...rows,
  '',
  `Against JSZip at its default level: fflate level 1 takes ${((seconds['fflate zipSync, level 1'] ?? Number.NaN) / baseline).toFixed(2)}x the time, JSZip level 1 ${((seconds['JSZip generateAsync, level 1'] ?? Number.NaN) / baseline).toFixed(2)}x, the portable codec ${((seconds['Pygbox writer, portable codec (fflate level 1)'] ?? Number.NaN) / baseline).toFixed(2)}x, the Node codec ${((seconds['Pygbox writer, Node codec (zlib level 1)'] ?? Number.NaN) / baseline).toFixed(2)}x.`,
].join('\n');
updateResults('zip-library', 'Zip library: fflate against JSZip', section);
process.stdout.write(`${section}\n`);
