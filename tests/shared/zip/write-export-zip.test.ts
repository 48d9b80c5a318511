import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { exportManifestSchema } from '../../../shared/zip/export-manifest.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';
import { ALL_CHATS, audited, WRITE_OPTIONS } from './anon-chat-fixtures.ts';

/** An independent reference (node:crypto) for the manifest's WebCrypto checksums. */
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const decoder = new TextDecoder();

describe('writeExportZip', () => {
  it.each([
    [[], ['manifest.json', 'chats.jsonl']],
    [
      ['dumper'],
      [
        'manifest.json',
        'chats.jsonl',
        'compat/dumper/character-0001.json',
        'compat/dumper/character-0002.json',
      ],
    ],
    [
      ['sillytavern', 'dumper'],
      [
        'manifest.json',
        'chats.jsonl',
        'compat/dumper/character-0001.json',
        'compat/dumper/character-0002.json',
        'compat/sillytavern/chat-0001.jsonl',
        'compat/sillytavern/chat-0002.jsonl',
        'compat/sillytavern/chat-0003.jsonl',
      ],
    ],
  ] as const)('with formats %j writes the entries %j in that order', async (formats, names) => {
    const zip = await writeExportZip(audited(), { ...WRITE_OPTIONS, formats });
    expect(Object.keys(unzipSync(zip))).toEqual(names);
  });

  it('writes a manifest that passes its schema and describes every file', async () => {
    const files = unzipSync(
      await writeExportZip(audited(), { ...WRITE_OPTIONS, formats: ['sillytavern', 'dumper'] }),
    );
    const manifestBytes = files['manifest.json'];
    if (manifestBytes === undefined) throw new Error('no manifest');
    const manifest = exportManifestSchema.parse(JSON.parse(decoder.decode(manifestBytes)));
    expect(manifest).toMatchObject({
      format: 'pygbox-export',
      formatVersion: 1,
      tool: { name: 'pygbox', version: '0.1.0' },
      anonymizerVersion: 'anon-test-1',
      createdDay: '2024-06-01',
      counts: { chats: 3, messages: 7, characters: 2 },
      formats: ['dumper', 'sillytavern'],
    });
    expect(manifest.files.map((file) => file.path)).toEqual(
      Object.keys(files).filter((n) => n !== 'manifest.json'),
    );
    for (const file of manifest.files) {
      const bytes = files[file.path];
      expect(bytes?.length).toBe(file.bytes);
      expect(bytes === undefined ? '' : sha256Hex(bytes)).toBe(file.sha256);
    }
  });

  it('writes chats.jsonl as one chat a line with a trailing newline', async () => {
    const files = unzipSync(await writeExportZip(audited(), WRITE_OPTIONS));
    const text = decoder.decode(files['chats.jsonl']);
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .slice(0, -1)
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(ALL_CHATS);
  });

  it('is deterministic: the same input gives byte-identical zips, whatever the format order', async () => {
    const first = await writeExportZip(audited(), { ...WRITE_OPTIONS, formats: ['dumper', 'sillytavern'] });
    const second = await writeExportZip(audited([...ALL_CHATS]), {
      ...WRITE_OPTIONS,
      formats: ['sillytavern', 'dumper', 'sillytavern'],
    });
    expect(second).toEqual(first);
    expect(sha256Hex(second)).toBe(sha256Hex(first));
  });

  it('records no time finer than the day: every entry has the same fixed 1980 timestamp', async () => {
    const zip = await writeExportZip(audited(), { ...WRITE_OPTIONS, formats: ['dumper'] });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const stamps = new Set<number>();
    for (let at = 0; at + 4 <= zip.length; at++) {
      if (view.getUint32(at, true) === 0x04034b50) stamps.add(view.getUint32(at + 10, true));
    }
    expect(stamps.size).toBe(1);
    const [stamp = 0] = stamps;
    expect(stamp >>> 25).toBe(0); // years since 1980
  });

  it('defaults createdDay to today as a day only', async () => {
    const files = unzipSync(await writeExportZip(audited(), { anonymizerVersion: 'a', toolVersion: 'b' }));
    const manifest = exportManifestSchema.parse(JSON.parse(decoder.decode(files['manifest.json'])));
    expect(manifest.createdDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each(['2024-06-01T10:00:00Z', 'June 1', ''])('rejects createdDay %j', async (createdDay) => {
    await expect(writeExportZip(audited(), { ...WRITE_OPTIONS, createdDay })).rejects.toBeInstanceOf(
      PygboxError,
    );
  });
});
