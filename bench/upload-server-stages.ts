/**
 * Where checking one upload spends its time, in-process, stage by stage, for the collection
 * server's benchmark (bench/upload-server.bench.ts). The stages call the same functions the
 * server's path does (trainer-node/serve/verified-copies.ts); the totals time the real functions
 * whole, so a stage missed here shows as a gap between the sum and the total.
 */
import { auditChats } from '../shared/anonymize/audit.ts';
import { anonChatSchema } from '../shared/chat/anon-chat.ts';
import { inflateEntry } from '../shared/zip/bounded-inflate.ts';
import { CHATS_PATH } from '../shared/zip/export-paths.ts';
import { readExportZip } from '../shared/zip/read-export-zip.ts';
import { sha256Hex } from '../shared/zip/sha256-hex.ts';
import { readCentralDirectory } from '../shared/zip/zip-central-directory.ts';
import { portableZipCodec, type ZipInflateCodec } from '../shared/zip/zip-codec.ts';
import { resolveZipLimits } from '../shared/zip/zip-limits.ts';
import { nodeZipCodec } from '../trainer-node/io/node-zip-codec.ts';
import { encodeCopies, verifiedCopies } from '../trainer-node/serve/verified-copies.ts';
import { checkChatKeys } from '../trainer-node/serve/verify-upload.ts';

export interface StageTime {
  stage: string;
  /** Median over the zips, per zip. */
  ms: number;
  /** A whole function rather than one stage of it. */
  total?: boolean;
}

/** One name stands in for a blocklist entry: the audit then folds and searches every text. */
const BLOCKLIST = ['Zephyrine Quillfeather'];
const WARM_UPS = 3;

export async function measureVerifyStages(zips: readonly Uint8Array[]): Promise<StageTime[]> {
  const samples = new Map<string, { ms: number[]; total: boolean }>();
  const time = async <T>(stage: string, work: () => T | Promise<T>, total = false): Promise<T> => {
    const started = performance.now();
    const result = await work();
    const ms = performance.now() - started;
    const entry = samples.get(stage) ?? { ms: [], total };
    entry.ms.push(ms);
    samples.set(stage, entry);
    return result;
  };
  const codecs: [string, ZipInflateCodec][] = [
    ['fflate + JavaScript CRC-32 (portable, before)', portableZipCodec],
    ['zlib + zlib CRC-32 (Node, now)', nodeZipCodec],
  ];
  const limits = resolveZipLimits(undefined);
  for (const [round, zip] of [...zips.slice(0, WARM_UPS), ...zips].entries()) {
    if (round === WARM_UPS) samples.clear();
    const entries = await time('zip structure (central directory)', () => readCentralDirectory(zip, limits));
    let files: Uint8Array[] = [];
    for (const [name, codec] of codecs) {
      files = await time(`inflate + CRC-32 of every entry: ${name}`, () =>
        entries.map((entry) => inflateEntry(zip, entry, codec)),
      );
    }
    await time('sha256 of every file (WebCrypto)', async () => {
      for (const file of files) await sha256Hex(file);
    });
    const chatsBytes = files[entries.findIndex((entry) => entry.name === CHATS_PATH)] ?? new Uint8Array();
    const text = await time('UTF-8 decode of chats.jsonl', () =>
      new TextDecoder('utf-8', { fatal: true }).decode(chatsBytes),
    );
    const values = await time('JSON.parse of each line', () =>
      text
        .slice(0, -1)
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    );
    const chats = await time('strict chat schema (zod) of each line', () =>
      values.map((value) => anonChatSchema.parse(value)),
    );
    await time('chat keys against content (@noble/hashes sha256)', () => checkChatKeys(chats));
    await time('audit, empty blocklist (schema again, PII patterns)', () =>
      auditChats(chats, { identities: [] }),
    );
    await time(`audit, blocklist of ${BLOCKLIST.length} name`, () =>
      auditChats(chats, { identities: BLOCKLIST.map((value) => ({ kind: 'user-supplied', value })) }),
    );
    await time('copies for storing (JSON.stringify + sha256 of each chat)', () => encodeCopies(chats));
    for (const [name, codec] of codecs) {
      await time(`readExportZip, ${name}`, () => readExportZip(zip, undefined, codec), true);
    }
    await time(
      'the server’s whole check (verifiedCopies, empty blocklist)',
      () => verifiedCopies(zip, { blocklist: [], zipLimits: {} }),
      true,
    );
  }
  return [...samples].map(([stage, { ms, total }]) => ({
    stage,
    ms: median(ms),
    ...(total ? { total } : {}),
  }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function stageTable(stages: readonly StageTime[]): string[] {
  return [
    '| stage (one zip, in-process) | median ms |',
    '| --- | --- |',
    ...stages.map(({ stage, ms, total }) =>
      total ? `| **${stage}** | **${ms.toFixed(1)}** |` : `| ${stage} | ${ms.toFixed(1)} |`,
    ),
  ];
}
