/**
 * Read access to the files of one installed model folder, by the `/`-separated paths its
 * `pygbox-model.json` lists (`config.json`, `onnx/model_q4.onnx`). The extension backs it with
 * OPFS, a test with a folder on disk; the runtime that loads the model sees only this, so it never
 * learns where or how the bytes are kept. `undefined` means the folder has no such file (optional
 * files such as `generation_config.json` may be absent); a file that exists but cannot be read is
 * an error.
 */
export interface ModelFileSource {
  read(path: string): Promise<Blob | undefined>;
}
