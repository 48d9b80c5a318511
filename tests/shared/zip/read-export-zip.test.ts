import { createHash } from 'node:crypto';
import { deflateSync, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { writeExportZip } from '../../../shared/zip/write-export-zip.ts';
import { portableZipCodec, type ZipInflateCodec } from '../../../shared/zip/zip-codec.ts';
import type { ZipLimits } from '../../../shared/zip/zip-limits.ts';
import { nodeZipCodec } from '../../../trainer-node/io/node-zip-codec.ts';
import { ALL_CHATS, audited, LIGHTHOUSE, ROBOT_CHEF, WRITE_OPTIONS } from './anon-chat-fixtures.ts';
import { buildZip, concat, localRecord, type RawEntry } from './zip-builder.ts';

/** An independent reference (node:crypto) for the manifest's WebCrypto checksums. */
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function validZip(formats: readonly ('dumper' | 'sillytavern')[] = []): Promise<Uint8Array> {
  return writeExportZip(audited(), { ...WRITE_OPTIONS, formats });
}

/** The entries of a valid export, in zip order, ready to be tampered with. */
async function validEntries(formats: readonly ('dumper' | 'sillytavern')[] = []): Promise<RawEntry[]> {
  const files = unzipSync(await validZip(formats));
  return Object.entries(files).map(([name, data]) => ({ name, data, method: 8 as const }));
}

function manifestOf(entries: readonly RawEntry[]): Record<string, unknown> {
  const entry = entries.find((e) => e.name === 'manifest.json');
  if (entry === undefined) throw new Error('fixture has no manifest');
  return JSON.parse(decoder.decode(entry.data)) as Record<string, unknown>;
}

function withManifest(entries: readonly RawEntry[], manifest: unknown): RawEntry[] {
  const data = encoder.encode(typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return entries.map((entry) => (entry.name === 'manifest.json' ? { ...entry, data } : entry));
}

/** Replaces a file and re-lists it in the manifest, so only what the test changes is wrong. */
function withFile(entries: readonly RawEntry[], name: string, data: Uint8Array): RawEntry[] {
  const manifest = manifestOf(entries);
  const files = manifest.files as { path: string; bytes: number; sha256: string }[];
  const listed = files.map((file) =>
    file.path === name ? { path: name, bytes: data.length, sha256: sha256Hex(data) } : file,
  );
  return withManifest(
    entries.map((entry) => (entry.name === name ? { ...entry, data } : entry)),
    { ...manifest, files: listed },
  );
}

/** Every check must hold whichever codec inflates: browsers use the portable one, Node zlib. */
const CODECS: [string, ZipInflateCodec][] = [
  ['portable codec (fflate)', portableZipCodec],
  ['Node codec (zlib)', nodeZipCodec],
];

async function rejection(
  bytes: Uint8Array,
  limits?: Partial<ZipLimits>,
  codec: ZipInflateCodec = portableZipCodec,
): Promise<PygboxError> {
  try {
    await readExportZip(bytes, limits, codec);
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('expected readExportZip to reject');
}

describe('readExportZip without a codec', () => {
  it('reads with the portable codec (browser callers pass none)', async () => {
    const contents = await readExportZip(await validZip());
    expect(contents.chats).toEqual(ALL_CHATS);
  });
});

describe.each(CODECS)('readExportZip with the %s on zips Pygbox wrote', (_name, codec) => {
  it.each([[[]], [['dumper']], [['sillytavern']], [['dumper', 'sillytavern']]] as const)(
    'reads back the chats and manifest with formats %j',
    async (formats) => {
      const contents = await readExportZip(await validZip(formats), undefined, codec);
      expect(contents.chats).toEqual(ALL_CHATS);
      expect(contents.manifest.formats).toEqual(formats);
      expect(contents.manifest.counts).toEqual({ chats: 3, messages: 7, characters: 2 });
    },
  );

  it('reads an empty export', async () => {
    const contents = await readExportZip(await writeExportZip(audited([]), WRITE_OPTIONS), undefined, codec);
    expect(contents.chats).toEqual([]);
    expect(contents.manifest.counts).toEqual({ chats: 0, messages: 0, characters: 0 });
  });

  it('accepts a zip that fflate wrote with other settings (stored entries)', async () => {
    const files = unzipSync(await validZip());
    const stored = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 0 }]])));
    expect((await readExportZip(stored, undefined, codec)).chats).toHaveLength(3);
  });
});

describe.each(CODECS)('readExportZip with the %s rejects broken and hostile zips', (_name, codec) => {
  const cases: [string, () => Promise<Uint8Array>, RegExp, Partial<ZipLimits>?][] = [
    ['plain text', async () => encoder.encode('{"chats": []}'), /not a zip archive/],
    ['a few bytes', async () => new Uint8Array([0x50, 0x4b]), /too short/],
    ['a truncated zip', async () => (await validZip()).subarray(0, 200), /truncated/],
    [
      'a zip missing its last byte',
      async () => (await validZip()).slice(0, -1),
      /not a zip archive, or it is truncated/,
    ],
    [
      'a missing manifest',
      async () => buildZip((await validEntries()).filter((e) => e.name !== 'manifest.json')),
      /^manifest\.json: is missing/,
    ],
    [
      'a manifest that is not JSON',
      async () => buildZip(withManifest(await validEntries(), '{"format":')),
      /manifest\.json: is not JSON/,
    ],
    [
      'an unknown format',
      async () =>
        buildZip(
          withManifest(await validEntries(), { ...manifestOf(await validEntries()), format: 'other-tool' }),
        ),
      /manifest\.json: is not a pygbox export manifest/,
    ],
    [
      'a newer format version',
      async () =>
        buildZip(
          withManifest(await validEntries(), { ...manifestOf(await validEntries()), formatVersion: 3 }),
        ),
      /manifest\.json: has format version 3; this Pygbox reads versions 1 and 2/,
    ],
    [
      'a manifest with a negative count',
      async () => {
        const manifest = manifestOf(await validEntries());
        return buildZip(
          withManifest(await validEntries(), {
            ...manifest,
            counts: { chats: -1, messages: 7, characters: 2 },
          }),
        );
      },
      /manifest\.json: is invalid at counts\.chats/,
    ],
    [
      'a manifest with an extra field',
      async () =>
        buildZip(withManifest(await validEntries(), { ...manifestOf(await validEntries()), userName: 'x' })),
      /manifest\.json: is invalid at its top level/,
    ],
    [
      'an entry the manifest does not list',
      async () => buildZip([...(await validEntries()), { name: 'notes.txt', data: encoder.encode('hello') }]),
      /^notes\.txt: is not listed in the manifest/,
    ],
    [
      'a listed file that is missing',
      async () => buildZip((await validEntries()).filter((e) => e.name !== 'chats.jsonl')),
      /^chats\.jsonl: is listed in the manifest but missing from the zip/,
    ],
    [
      'a file changed after export (same size)',
      async () =>
        buildZip(
          (await validEntries()).map((e) =>
            e.name === 'chats.jsonl'
              ? { ...e, data: encoder.encode(decoder.decode(e.data).replace('Bolt', 'Nail')) }
              : e,
          ),
        ),
      /^chats\.jsonl: sha256 does not match the manifest/,
    ],
    [
      'a file whose size disagrees with the manifest',
      async () =>
        buildZip(
          (await validEntries()).map((e) =>
            e.name === 'chats.jsonl' ? { ...e, data: concat([e.data, encoder.encode('\n')]) } : e,
          ),
        ),
      /^chats\.jsonl: size \d+ does not match the manifest's \d+/,
    ],
    [
      'compat files of a format the manifest does not list',
      async () => {
        const entries = await validEntries(['dumper']);
        return buildZip(withManifest(entries, { ...manifestOf(entries), formats: [] }));
      },
      /^compat\/dumper\/: holds files of a format the manifest does not list/,
    ],
    [
      'a listed format with too few files',
      async () => {
        const entries = (await validEntries(['sillytavern'])).filter(
          (e) => e.name !== 'compat/sillytavern/chat-0003.jsonl',
        );
        const manifest = manifestOf(entries);
        const files = (manifest.files as { path: string }[]).filter(
          (f) => f.path !== 'compat/sillytavern/chat-0003.jsonl',
        );
        return buildZip(withManifest(entries, { ...manifest, files }));
      },
      /^compat\/sillytavern\/: holds 2 files where the manifest's counts call for 3/,
    ],
    [
      'counts that disagree with chats.jsonl',
      async () => {
        const entries = await validEntries();
        return buildZip(
          withManifest(entries, { ...manifestOf(entries), counts: { chats: 3, messages: 8, characters: 2 } }),
        );
      },
      /^manifest\.json: counts\.messages is 8 but chats\.jsonl holds 7/,
    ],
    [
      'a chats.jsonl line that is not JSON',
      async () => {
        const entries = await validEntries();
        const text = `${JSON.stringify(ROBOT_CHEF)}\n{not json\n`;
        return buildZip(withFile(entries, 'chats.jsonl', encoder.encode(text)));
      },
      /^chats\.jsonl: line 2 is not JSON/,
    ],
    [
      'a chats.jsonl without its final newline',
      async () =>
        buildZip(withFile(await validEntries(), 'chats.jsonl', encoder.encode(JSON.stringify(ROBOT_CHEF)))),
      /^chats\.jsonl: does not end with a newline/,
    ],
    [
      'chats.jsonl that is not UTF-8',
      async () => buildZip(withFile(await validEntries(), 'chats.jsonl', new Uint8Array([0xff, 0xfe, 0x0a]))),
      /^chats\.jsonl: is not UTF-8 text/,
    ],
    // Path tricks.
    ...(
      [
        ['../evil.txt', /has a "\.\." segment/],
        ['compat/../../evil.txt', /has a "\.\." segment/],
        ['/etc/evil.txt', /has an absolute path/],
        ['compat\\evil.txt', /has a backslash/],
        ['C:/evil.txt', /starts with a drive letter/],
        ['compat//evil.txt', /has an empty path segment/],
        ['./chats.jsonl', /has a "\." segment/],
        ['evil\u0000.txt', /has a control character/],
      ] as const
    ).map(([name, pattern]): [string, () => Promise<Uint8Array>, RegExp] => [
      `the entry name ${JSON.stringify(name)}`,
      async () => buildZip([...(await validEntries()), { name, data: encoder.encode('x') }]),
      pattern,
    ]),
    [
      'a duplicate entry name',
      async () => {
        const entries = await validEntries();
        return buildZip([...entries, { name: 'chats.jsonl', data: encoder.encode('{}\n') }]);
      },
      /^chats\.jsonl: appears more than once/,
    ],
    [
      'names equal but for case',
      async () =>
        buildZip([...(await validEntries()), { name: 'Chats.JSONL', data: encoder.encode('{}\n') }]),
      /^Chats\.JSONL: appears more than once/,
    ],
    [
      'a local header whose name differs from the central directory',
      async () =>
        buildZip(
          (await validEntries()).map((e) =>
            e.name === 'chats.jsonl' ? { ...e, localName: 'chats.jsonX' } : e,
          ),
        ),
      /^chats\.jsonl: has a local header with a different name/,
    ],
    [
      'entries whose data overlap',
      async () => {
        const inner = localRecord('hidden.txt', encoder.encode('surprise'));
        // hidden.txt's central record points inside outer.txt's data, where its local header sits.
        return buildZip([
          { name: 'outer.txt', data: inner },
          { name: 'hidden.txt', data: encoder.encode('surprise'), localOffset: 30 + 'outer.txt'.length },
        ]);
      },
      /^hidden\.txt: overlaps the data of another entry/,
    ],
    [
      'an encrypted entry',
      async () =>
        buildZip((await validEntries()).map((e) => (e.name === 'chats.jsonl' ? { ...e, flags: 0x801 } : e))),
      /^chats\.jsonl: is encrypted/,
    ],
    [
      'an unknown compression method',
      async () =>
        buildZip(
          (await validEntries()).map((e) => (e.name === 'chats.jsonl' ? { ...e, methodCode: 12 } : e)),
        ),
      /^chats\.jsonl: uses compression method 12/,
    ],
    [
      'a wrong CRC',
      async () =>
        buildZip((await validEntries()).map((e) => (e.name === 'manifest.json' ? { ...e, crc: 1234 } : e))),
      /^manifest\.json: fails its CRC-32 check/,
    ],
    [
      'damaged deflate data',
      async () => {
        const data = encoder.encode('{"a":1}');
        const zip = buildZip([{ name: 'manifest.json', data, method: 8 }]);
        const damaged = zip.slice();
        // Set the first deflate block's type bits to the reserved value 3.
        damaged[30 + 'manifest.json'.length] = 0xff;
        return damaged;
      },
      /^manifest\.json: has damaged compressed data/,
    ],
    [
      'deflate data cut short',
      async () => {
        const data = encoder.encode(JSON.stringify(Array.from({ length: 2000 }, (_, index) => index)));
        const compressed = deflateSync(data);
        return buildZip([
          {
            name: 'manifest.json',
            data,
            method: 8,
            compressed: compressed.subarray(0, compressed.length >> 1),
          },
        ]);
      },
      /^manifest\.json: has truncated compressed data/,
    ],
    [
      'a deflated entry with no data at all',
      async () =>
        buildZip([
          { name: 'manifest.json', data: encoder.encode('{}'), method: 8, compressed: new Uint8Array() },
        ]),
      /^manifest\.json: has truncated compressed data/,
    ],
    // Size bombs.
    [
      'an entry declared empty that inflates to something',
      async () =>
        buildZip([{ name: 'manifest.json', data: encoder.encode('{}'), method: 8, declaredSize: 0 }]),
      /^manifest\.json: inflates to more than the 0 bytes its header declares/,
    ],
    [
      'an entry declaring more than the per-entry limit',
      async () =>
        buildZip(
          (await validEntries()).map((e) =>
            e.name === 'chats.jsonl' ? { ...e, declaredSize: 300 * 1024 * 1024 } : e,
          ),
        ),
      /^chats\.jsonl: declares 314572800 bytes, more than the per-entry limit of 268435456/,
    ],
    [
      'entries adding up to more than the total limit',
      async () => validZip(['dumper', 'sillytavern']),
      /brings the total size to \d+ bytes, more than the limit of 2000/,
      { maxTotalBytes: 2000 },
    ],
    [
      'a compression ratio above the limit',
      async () => buildZip([{ name: 'chats.jsonl', data: new Uint8Array(4 * 1024 * 1024), method: 8 }]),
      /^chats\.jsonl: compression ratio \d+ is above the limit of 200/,
    ],
    [
      'too many entries',
      async () => validZip(['sillytavern']),
      /has 5 entries, more than the limit of 3/,
      { maxEntries: 3 },
    ],
    [
      'a header that declares fewer bytes than the data inflates to',
      async () => {
        // 64 KiB of zeros deflates to very little: a small bomb that the ratio check lets pass.
        const data = new Uint8Array(64 * 1024);
        return buildZip([{ name: 'manifest.json', data, method: 8, declaredSize: 10 }]);
      },
      /^manifest\.json: inflates to more than the 10 bytes its header declares/,
    ],
    [
      'a header that declares more bytes than the data inflates to',
      async () => {
        const entries = await validEntries();
        return buildZip(
          entries.map((e) => (e.name === 'manifest.json' ? { ...e, declaredSize: e.data.length + 5 } : e)),
        );
      },
      /^manifest\.json: inflates to \d+ bytes but its header declares \d+/,
    ],
  ];

  it.each(cases)('rejects %s', async (_label, build, pattern, limits) => {
    const error = await rejection(await build(), limits, codec);
    expect(error.code).toBe('zip-invalid');
    expect(error.message).toMatch(pattern);
    expect(error.hint).toEqual(expect.any(String));
  });

  it('names the chats.jsonl line and field and never quotes the line', async () => {
    const secret = 'Zephyrine Quillfeather';
    const leaky = {
      ...LIGHTHOUSE,
      messages: [{ role: 'user', text: `I am ${secret}`, swipes: [], authorName: secret }],
    };
    const text = `${JSON.stringify(ROBOT_CHEF)}\n${JSON.stringify(leaky)}\n`;
    const error = await rejection(
      buildZip(withFile(await validEntries(), 'chats.jsonl', encoder.encode(text))),
      undefined,
      codec,
    );
    expect(error.message).toMatch(
      /^chats\.jsonl: line 2 is not an anonymized chat \(unrecognized_keys\) at messages\[0\]/,
    );
    expect(error.place).toEqual({ file: 'chats.jsonl', line: 2, field: 'messages[0]' });
    expect(error.message).not.toContain('Zephyrine');
    expect(error.describe()).not.toContain('Zephyrine');
  });

  it('tells the user to update Pygbox for a newer format version', async () => {
    const entries = await validEntries();
    const error = await rejection(
      buildZip(withManifest(entries, { ...manifestOf(entries), formatVersion: 7 })),
      undefined,
      codec,
    );
    expect(error.hint).toMatch(/newer Pygbox/);
  });

  it('stops inflating a bomb that lies about its size', async () => {
    // 32 MiB of zeros (about 32 KiB deflated) declared as 100 bytes: the ratio check sees 100
    // bytes and lets it through, the bounded inflater stops at the first chunk.
    const entries: RawEntry[] = [
      { name: 'manifest.json', data: new Uint8Array(32 * 1024 * 1024), method: 8, declaredSize: 100 },
    ];
    const error = await rejection(buildZip(entries), undefined, codec);
    expect(error.message).toMatch(/^manifest\.json: inflates to more than the 100 bytes its header declares/);
  });
});
