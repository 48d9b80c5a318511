import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../../extension/models/installed-model.ts';
import { MemoryModelStorage } from '../../../extension/models/memory-model-storage.ts';
import { folderImportSource, zipImportSource } from '../../../extension/models/model-import-source.ts';
import { createModelLibrary, MODELS_FOLDER } from '../../../extension/models/model-library-core.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import { type FakeModelExport, fakeModelExport, manifestId } from './fake-model-export.ts';

const encoder = new TextEncoder();

function setup() {
  const storage = new MemoryModelStorage();
  let tick = 0;
  const library = createModelLibrary({ storage, now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)) });
  const importZip = (zip: Uint8Array, signal?: AbortSignal, onProgress?: (p: ImportProgress) => void) =>
    library.importFrom(() => zipImportSource(new Blob([zip.slice()])), { signal, onProgress });
  return { storage, library, importZip };
}

const zipOf = (files: Map<string, Uint8Array>): Uint8Array =>
  zipSync(Object.fromEntries(files), { level: 0 });

function withFile(
  model: FakeModelExport,
  path: string,
  bytes: Uint8Array | undefined,
): Map<string, Uint8Array> {
  const files = new Map(model.files);
  if (bytes === undefined) files.delete(path);
  else files.set(path, bytes);
  return files;
}

const refusal = pygboxRejection;

/** Every stored path: after a refused import it must be exactly what it was before. */
const stored = (storage: MemoryModelStorage) => [...storage.files.keys()].sort();

describe('model import', () => {
  it('checks and stores a model zip, with the descriptor sha256 as its id', async () => {
    const { storage, library, importZip } = setup();
    const model = fakeModelExport();
    const phases = new Set<string>();
    let last: ImportProgress | undefined;
    const installed = await importZip(zipOf(model.files), undefined, (progress) => {
      phases.add(progress.phase);
      last = progress;
    });
    expect(installed.id).toBe(manifestId(model));
    expect(installed.manifest).toEqual(model.manifest);
    expect(installed.card).toContain('# Fake model');
    const total = [...model.files.values()].reduce((sum, bytes) => sum + bytes.length, 0);
    expect(installed.totalBytes).toBe(total);
    expect([...phases]).toEqual(['reading', 'checking', 'writing', 'done']);
    expect(last).toEqual({ phase: 'done', doneBytes: total, totalBytes: total });
    expect(stored(storage)).toEqual(
      [...model.files.keys(), 'pygbox-installed.json']
        .map((path) => `${MODELS_FOLDER}/${installed.id}/${path}`)
        .sort(),
    );
    const files = library.files(installed.id);
    for (const [path, bytes] of model.files) {
      expect(new Uint8Array(await ((await files.read(path)) ?? new Blob()).arrayBuffer())).toEqual(bytes);
    }
    expect(await files.read('generation_config.json')).toBeUndefined();
    expect(await files.read('pygbox-installed.json')).toBeUndefined();
    expect(await library.list()).toEqual([installed]);
    expect(await library.get(installed.id)).toEqual(installed);
  });

  it('imports a picked folder through the same checks, ignoring files the descriptor does not list', async () => {
    const { library } = setup();
    const model = fakeModelExport();
    const picked = [...withFile(model, '.DS_Store', new Uint8Array([0, 1]))].map(([path, bytes]) => {
      const file = new File([bytes.slice()], path.split('/').pop() ?? path);
      Object.defineProperty(file, 'webkitRelativePath', { value: `my-export/${path}` });
      return file;
    });
    const installed = await library.importFrom(async () => folderImportSource(picked));
    expect(installed.id).toBe(manifestId(model));
    // The folder above the export picked by mistake: its one subfolder is the model.
    const parent = [...model.files].map(([path, bytes]) =>
      renamed(new File([bytes.slice()], 'x'), `exports/my-export/${path}`),
    );
    expect((await library.importFrom(async () => folderImportSource(parent))).id).toBe(installed.id);
    expect(await library.files(installed.id).read('.DS_Store')).toBeUndefined();

    const damaged = picked.map((file) =>
      file.webkitRelativePath.endsWith('config.json')
        ? renamed(new File(['{"x":1}'], 'config.json'), file.webkitRelativePath)
        : file,
    );
    const error = await refusal(
      createModelLibrary({ storage: new MemoryModelStorage() }).importFrom(async () =>
        folderImportSource(damaged),
      ),
    );
    expect(error.place.file).toBe('config.json');
  });

  it('keeps one model when the same export is imported twice', async () => {
    const { library, importZip } = setup();
    const model = fakeModelExport();
    const first = await importZip(zipOf(model.files));
    const second = await importZip(zipOf(model.files));
    expect(second).toEqual(first);
    expect(await library.list()).toHaveLength(1);
  });

  const broken: [string, (model: FakeModelExport) => Map<string, Uint8Array>, RegExp, string | undefined][] =
    [
      [
        'a listed file is missing',
        (model) => withFile(model, 'tokenizer.json', undefined),
        /missing from the zip/,
        'tokenizer.json',
      ],
      [
        'a file has the wrong size',
        (model) => withFile(model, 'config.json', encoder.encode('{}')),
        /is 2 bytes; pygbox-model.json says/,
        'config.json',
      ],
      [
        'a file has the wrong sha256',
        (model) => {
          const bytes = (model.files.get('onnx/model.onnx') ?? new Uint8Array()).slice();
          bytes[5] = (bytes[5] ?? 0) ^ 1;
          return withFile(model, 'onnx/model.onnx', bytes);
        },
        /does not match the sha256/,
        'onnx/model.onnx',
      ],
      [
        'it has no descriptor (a foreign zip)',
        (model) => withFile(model, 'pygbox-model.json', undefined),
        /has no pygbox-model.json/,
        'model zip',
      ],
      [
        'the descriptor is of another format',
        (model) =>
          withFile(model, 'pygbox-model.json', encoder.encode('{"format":"pygbox-export","version":1}')),
        /not a Pygbox model descriptor/,
        'pygbox-model.json',
      ],
      [
        'the descriptor is a newer version',
        (model) =>
          withFile(
            model,
            'pygbox-model.json',
            encoder.encode(JSON.stringify({ ...model.manifest, version: 2 })),
          ),
        /model format version 2; this extension reads version 1/,
        'pygbox-model.json',
      ],
      [
        'the descriptor breaks the schema',
        (model) =>
          withFile(
            model,
            'pygbox-model.json',
            encoder.encode(JSON.stringify({ ...model.manifest, dtypes: ['fp64'] })),
          ),
        /does not match model format version 1/,
        'pygbox-model.json',
      ],
    ];

  for (const [what, files, message, file] of broken) {
    it(`refuses the import when ${what}, and stores nothing`, async () => {
      const { storage, library, importZip } = setup();
      const earlier = await importZip(zipOf(fakeModelExport({ name: 'earlier', seed: 99 }).files));
      const before = stored(storage);
      const error = await refusal(importZip(zipOf(files(fakeModelExport()))));
      expect(error.message).toMatch(message);
      expect(error.place.file).toBe(file);
      expect(error.hint).toBeTruthy();
      expect(stored(storage)).toEqual(before);
      expect(await library.list()).toEqual([earlier]);
    });
  }

  it('reports a full disk as store-quota and removes the partial copy', async () => {
    const { storage, library, importZip } = setup();
    const earlier = await importZip(zipOf(fakeModelExport({ name: 'earlier', seed: 99 }).files));
    const before = stored(storage);
    storage.failWritesAfter = 2000;
    const error = await refusal(importZip(zipOf(fakeModelExport({ onnxBytes: 10_000 }).files)));
    expect(error.code).toBe('store-quota');
    expect(stored(storage)).toEqual(before);
    expect(await library.list()).toEqual([earlier]);
  });

  it('re-imports an installed model without writing it again, even on a full disk', async () => {
    const { storage, importZip } = setup();
    const zip = zipOf(fakeModelExport().files);
    const first = await importZip(zip);
    const before = stored(storage);
    storage.failWritesAfter = 0;
    expect(await importZip(zip)).toEqual(first);
    expect(stored(storage)).toEqual(before);
  });

  it('removes the moved files when the install marker cannot be written', async () => {
    const { storage, importZip } = setup();
    const model = fakeModelExport();
    const modelBytes = [...model.files.values()].reduce((sum, bytes) => sum + bytes.length, 0);
    // Every model file fits; the marker, written last, does not.
    storage.failWritesAfter = modelBytes;
    const error = await refusal(importZip(zipOf(model.files)));
    expect(error.code).toBe('store-quota');
    expect(stored(storage)).toEqual([]);
  });

  it('stops on abort with nothing stored', async () => {
    const { storage, importZip } = setup();
    const controller = new AbortController();
    const error = await refusal(
      importZip(zipOf(fakeModelExport().files), controller.signal, (progress) => {
        if (progress.phase === 'writing') controller.abort();
      }),
    );
    expect(error.message).toMatch(/cancelled/);
    expect(stored(storage)).toEqual([]);
  });

  it('removes unfinished imports and installs when listing', async () => {
    const { storage, library, importZip } = setup();
    const installed = await importZip(zipOf(fakeModelExport().files));
    storage.files.set(`${MODELS_FOLDER}/.importing-crashed/config.json`, new Uint8Array([1]));
    storage.files.set(`${MODELS_FOLDER}/${'a'.repeat(64)}/pygbox-model.json`, new Uint8Array([1]));
    expect(await library.list()).toEqual([installed]);
    expect(stored(storage).every((path) => path.startsWith(`${MODELS_FOLDER}/${installed.id}/`))).toBe(true);
  });

  it('deletes one model or all of them', async () => {
    const { library, importZip } = setup();
    const one = await importZip(zipOf(fakeModelExport({ name: 'one', seed: 1 }).files));
    const two = await importZip(zipOf(fakeModelExport({ name: 'two', seed: 2 }).files));
    expect((await library.list()).map((model) => model.manifest.name)).toEqual(['two', 'one']);
    expect(await library.delete(one.id)).toBe(true);
    expect(await library.delete(one.id)).toBe(false);
    expect(await library.get(one.id)).toBeUndefined();
    await expect(library.files(one.id).read('config.json')).rejects.toThrow(/not installed/);
    expect((await library.list()).map((model) => model.id)).toEqual([two.id]);
    await library.deleteAll();
    expect(await library.list()).toEqual([]);
  });
});

function renamed(file: File, relativePath: string): File {
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}
