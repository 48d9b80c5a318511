/**
 * Child process of the anonymize+zip benchmark: runs ONE stage on the generated capture file and
 * prints a JSON line of figures. Each stage gets a fresh process so its peak memory is its own.
 */
import { readFileSync, statSync } from 'node:fs';
import { createCaptureAdapter } from '../shared/cai/capture-adapter.ts';
import { anonymizeForExport } from '../shared/export/anonymize-for-export.ts';
import { PYGBOX_VERSION } from '../shared/version.ts';
import { writeExportZip } from '../shared/zip/write-export-zip.ts';
import { portableZipCodec } from '../shared/zip/zip-codec.ts';
import { readInputs } from '../trainer-node/import/read-inputs.ts';
import { nodeZipCodec } from '../trainer-node/io/node-zip-codec.ts';
import { BENCH_IDENTITIES } from './generate-captures.ts';

const [stageArgument, fileArgument] = process.argv.slice(2);
if (stageArgument === undefined || fileArgument === undefined)
  throw new Error('usage: measure-stage <stage> <file>');
const stage: string = stageArgument;
const file: string = fileArgument;

/** Peak RSS of this whole process (the figure is in KiB). */
const processPeakMiB = () => process.resourceUsage().maxRSS / 1024;
/** Live JavaScript heap plus array buffers: what the program holds, without V8's free slack. */
const liveMiB = () => {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 2 ** 20;
};
const collect = () => (globalThis as { gc?: () => void }).gc?.();

const bytes = statSync(file).size;

async function main(): Promise<Record<string, number | string>> {
  if (stage === 'json-roundtrip') {
    const text = readFileSync(file, 'utf8');
    const started = performance.now();
    let out = 0;
    for (const line of text.split('\n')) if (line !== '') out += JSON.stringify(JSON.parse(line)).length;
    const seconds = (performance.now() - started) / 1000;
    return { stage, bytes, seconds, outChars: out, processPeakMiB: processPeakMiB() };
  }
  // Loaded the way `pygbox import` loads: lines streamed, each record adapted as it arrives.
  const loadStarted = performance.now();
  const adapted = await loadStore();
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  collect();
  const liveBefore = liveMiB();
  if (stage === 'load-only')
    return { stage, bytes, loadSeconds, liveStoreMiB: liveBefore, processPeakMiB: processPeakMiB() };

  const started = performance.now();
  const exported = anonymizeForExport(adapted.chats, { userIdentities: BENCH_IDENTITIES });
  const anonymizedAt = performance.now();
  const zip = await writeExportZip(exported.audited, {
    anonymizerVersion: exported.anonymizerVersion,
    toolVersion: PYGBOX_VERSION,
    createdDay: '2026-01-01',
    codec: stage === 'anonymize-zip-portable' ? portableZipCodec : nodeZipCodec,
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    stage,
    bytes,
    messages: exported.audited.chats.reduce((sum, chat) => sum + chat.messages.length, 0),
    loadSeconds,
    seconds,
    anonymizeAuditSeconds: (anonymizedAt - started) / 1000,
    zipSeconds: (performance.now() - anonymizedAt) / 1000,
    zipBytes: zip.byteLength,
    liveStoreMiB: liveBefore,
    // The anonymized chats and the zip are still referenced here: what the stage holds at its end.
    liveAddedMiB: liveMiB() - liveBefore,
    processPeakMiB: processPeakMiB(),
  };
}

/** In its own function so the adapter and its partial state are garbage once the store is built. */
async function loadStore() {
  const adapter = createCaptureAdapter();
  await readInputs([file], (located) => adapter.add(located.record));
  return adapter.finish();
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
