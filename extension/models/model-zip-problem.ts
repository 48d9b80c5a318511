import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { displayEntryName } from '../../shared/zip/zip-invalid-error.ts';

/** What the archive as a whole is called in errors (its file name may be the user's own words). */
export const MODEL_ARCHIVE_NAME = 'model zip';

/**
 * A model zip's entry (or the archive) that cannot be read. The name goes into the place only:
 * `describe()` prints `place: message`, so `shared/zip`'s `zipInvalid`, which also starts the
 * message with the name, would print it twice (`"(model zip)": "(model zip)": …`). A hostile
 * name is shown JSON-escaped, as there.
 */
export function modelZipProblem(entry: string, problem: string, hint: string): PygboxError {
  return new PygboxError('zip-invalid', problem, { place: { file: displayEntryName(entry) }, hint });
}

/** The archive as a whole: its label is ours and printed as it is. */
export function modelArchiveProblem(problem: string, hint: string): PygboxError {
  return new PygboxError('zip-invalid', problem, { place: { file: MODEL_ARCHIVE_NAME }, hint });
}
