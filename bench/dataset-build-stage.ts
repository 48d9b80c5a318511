/**
 * Child process of the dataset-build benchmark: runs ONE stage and prints a JSON line of figures.
 * Each stage gets a fresh process (pinned to one core by the parent) so its peak memory is its own.
 *
 *   tokenize  <zip> <tokenizer-dir>          the tokenizer alone on every message text
 *   build     <zip> <tokenizer-dir> <out>    the whole `pygbox dataset build`
 */
import { readFileSync, rmSync } from 'node:fs';
import { readExportZip } from '../shared/zip/read-export-zip.ts';
import { DEFAULT_BUILD_OPTIONS, runDatasetBuild } from '../trainer-node/dataset/run-dataset-build.ts';
import { loadDatasetTokenizer } from '../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';

const [stageArgument, zipArgument, tokenizerArgument, out] = process.argv.slice(2);
if (stageArgument === undefined || zipArgument === undefined || tokenizerArgument === undefined) {
  throw new Error('usage: dataset-build-stage <tokenize|build> <zip> <tokenizer-dir> [out]');
}
const stage: string = stageArgument;
const zipFile: string = zipArgument;
const tokenizerDir: string = tokenizerArgument;
const peakMiB = () => process.resourceUsage().maxRSS / 1024;
/** CPU seconds (user + system) since `start`: on a shared machine, far steadier than wall time. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

async function main(): Promise<Record<string, number | string>> {
  if (stage === 'tokenize') {
    const readStarted = performance.now();
    const { chats } = await readExportZip(new Uint8Array(readFileSync(zipFile)));
    const readSeconds = (performance.now() - readStarted) / 1000;
    const tokenizer = await loadDatasetTokenizer(tokenizerDir);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    let messages = 0;
    let tokens = 0;
    let chars = 0;
    for (const chat of chats) {
      for (const message of chat.messages) {
        // The text as the builder tokenizes it: after its speaker cue, one space, trimmed.
        const text = ` ${message.text.trim()}`;
        tokens += tokenizer.encode(text).length;
        chars += text.length;
        messages += 1;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSince(cpuStart);
    return { stage, messages, tokens, chars, seconds, cpuSeconds, readSeconds, processPeakMiB: peakMiB() };
  }
  if (stage === 'build' && out !== undefined) {
    rmSync(out, { recursive: true, force: true });
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const { stats } = await runDatasetBuild({
      inputs: [zipFile],
      out,
      tokenizer: tokenizerDir,
      maxLength: DEFAULT_BUILD_OPTIONS.maxLength,
      packLength: DEFAULT_BUILD_OPTIONS.maxLength,
      evalFraction: DEFAULT_BUILD_OPTIONS.evalFraction,
      minReplyWords: DEFAULT_BUILD_OPTIONS.minReplyWords,
      shardTokens: DEFAULT_BUILD_OPTIONS.shardTokens,
      identities: [],
      redactions: [],
      strict: false,
      overwrite: false,
      previewExamples: DEFAULT_BUILD_OPTIONS.previewExamples,
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSince(cpuStart);
    rmSync(out, { recursive: true, force: true });
    return {
      stage,
      messages: stats.sources['pygbox-zip'].messages,
      examples: stats.examples.train + stats.examples.eval,
      tokensWritten: stats.tokens.train + stats.tokens.eval,
      trainedTokens: stats.trainedTokens.train + stats.trainedTokens.eval,
      seconds,
      cpuSeconds,
      processPeakMiB: peakMiB(),
      mode: stats.tokenization.mode,
    };
  }
  throw new Error(`unknown stage ${stage}`);
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
