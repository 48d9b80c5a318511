/**
 * Child process of the anonymize+zip benchmark: runs ONE stage on the generated capture file and
 * prints a JSON line of figures. Each stage gets a fresh process so peak memory is its own.
 */
import { readFileSync } from 'node:fs';
import { adaptCaptures } from '../shared/cai/adapt-captures.ts';
import { parseInputFile } from '../shared/capture/parse-capture-file.ts';
import { anonymizeForExport } from '../shared/export/anonymize-for-export.ts';
import { PYGBOX_VERSION } from '../shared/version.ts';
import { writeExportZip } from '../shared/zip/write-export-zip.ts';
import { BENCH_IDENTITIES } from './generate-captures.ts';

const [stageArgument, fileArgument] = process.argv.slice(2);
if (stageArgument === undefined || fileArgument === undefined)
  throw new Error('usage: measure-stage <stage> <file>');
const stage: string = stageArgument;
const file: string = fileArgument;

const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;
const rssMiB = () => process.memoryUsage().rss / 1024 / 1024;
const collect = () => (globalThis as { gc?: () => void }).gc?.();

const text = readFileSync(file, 'utf8');
const bytes = Buffer.byteLength(text);

async function main(): Promise<Record<string, number | string>> {
  if (stage === 'json-roundtrip') {
    collect();
    const rssBefore = rssMiB();
    const started = performance.now();
    let out = 0;
    for (const line of text.split('\n')) if (line !== '') out += JSON.stringify(JSON.parse(line)).length;
    const seconds = (performance.now() - started) / 1000;
    return { stage, bytes, seconds, outChars: out, rssBeforeMiB: rssBefore, maxRssMiB: maxRssMiB() };
  }
  const loadStarted = performance.now();
  const parsed = parseInputFile(text, file ?? '');
  if (parsed.kind !== 'captures') throw new Error('expected a capture file');
  const adapted = adaptCaptures(parsed.records.map((located) => located.record));
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  collect();
  const rssBefore = rssMiB();
  const maxBefore = maxRssMiB();
  const started = performance.now();
  const exported = anonymizeForExport(adapted.chats, { userIdentities: BENCH_IDENTITIES });
  const anonymizedAt = performance.now();
  const zip = await writeExportZip(exported.audited, {
    anonymizerVersion: exported.anonymizerVersion,
    toolVersion: PYGBOX_VERSION,
    createdDay: '2026-01-01',
  });
  const seconds = (performance.now() - started) / 1000;
  const messages = exported.audited.chats.reduce((sum, chat) => sum + chat.messages.length, 0);
  return {
    stage,
    bytes,
    messages,
    loadSeconds,
    seconds,
    anonymizeAuditSeconds: (anonymizedAt - started) / 1000,
    zipSeconds: (performance.now() - anonymizedAt) / 1000,
    zipBytes: zip.byteLength,
    rssBeforeMiB: rssBefore,
    maxRssBeforeMiB: maxBefore,
    maxRssMiB: maxRssMiB(),
  };
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
