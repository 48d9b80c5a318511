import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/**
 * The bytes of `blob` from `start` to `end` in chunks, reading the next chunk while the caller
 * works on the current one (hashing and writing a chunk takes about as long as reading one, so
 * import time is the slower of the two rather than their sum). A short read means the file
 * shrank or was cut: the caller sees a chunk shorter than asked and decides what that means.
 */
export async function* blobChunks(
  blob: Blob,
  start: number,
  end: number,
  chunkBytes: number,
  /** How errors name the file: the zip, or the picked file's path. */
  name: string,
): AsyncGenerator<{ bytes: Uint8Array; expected: number }> {
  const read = (at: number) => {
    const upTo = Math.min(end, at + chunkBytes);
    const promise = blob
      .slice(at, upTo)
      .arrayBuffer()
      .then(
        (buffer) => ({ bytes: new Uint8Array(buffer), expected: upTo - at }),
        (cause: unknown) => {
          // Chromium says NotReadableError when the file changed or vanished after it was picked.
          throw new PygboxError('input-unreadable', 'could not be read', {
            place: { file: name },
            hint: 'The file changed or was moved after it was picked: pick it again.',
            cause,
          });
        },
      );
    // Marked handled: if the caller stops early, a failed read-ahead must not surface on its own.
    promise.catch(() => undefined);
    return promise;
  };
  let next = start < end ? read(start) : undefined;
  for (let at = start; next !== undefined; at += chunkBytes) {
    const current = next;
    next = at + chunkBytes < end ? read(at + chunkBytes) : undefined;
    yield await current;
  }
}
