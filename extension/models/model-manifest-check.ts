import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_MANIFEST_PATH,
  type ModelManifest,
  modelManifestHeaderSchema,
  modelManifestSchema,
} from '../../shared/model/model-manifest.ts';
import { entryPathProblem } from '../../shared/zip/zip-entry-path.ts';
import { INSTALLED_MARKER_NAME } from './installed-model-marker.ts';
import type { ModelImportSource } from './model-import-source.ts';
import { MODEL_ARCHIVE_NAME } from './model-zip-problem.ts';

/**
 * The checks an import makes before a byte is written: the descriptor is ours and of a version we
 * read, every file it lists is there with the size it says, and no name is unsafe. Sizes and
 * sha256 of the data itself are checked while it streams (model-library-core.ts).
 *
 * Files the descriptor does not list are ignored, not refused: they are never written, so they
 * cannot change the model, and the descriptor is what `pygbox export` says the model is; zipping
 * or copying a folder by hand adds `.DS_Store`, `__MACOSX/` or `Thumbs.db`, and refusing those
 * would only send the user back to remove them.
 */

const HINT_EXPORT_AGAIN =
  'The file was changed, cut short or removed after `pygbox export` wrote it: export again, or copy the whole model folder or zip again.';
export const HINT_NOT_A_MODEL =
  'Choose the zip that `pygbox export` wrote (`<model-dir>.zip`) or the model folder itself; this is something else.';

/** A descriptor is a few KB; anything near this is not one. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export function sourceProblem(
  source: ModelImportSource,
  file: string,
  problem: string,
  hint: string,
  field?: string,
): PygboxError {
  const code = source.label === MODEL_ARCHIVE_NAME ? 'zip-invalid' : 'input-unreadable';
  return new PygboxError(code, problem, { place: field === undefined ? { file } : { file, field }, hint });
}

/** Paths in the source must be safe even when they are ignored: an unsafe one marks a doctored zip. */
export function checkSourcePaths(source: ModelImportSource): void {
  for (const path of source.paths()) {
    const problem = entryPathProblem(path);
    if (problem !== undefined) {
      throw sourceProblem(
        source,
        JSON.stringify(path),
        problem,
        'This was not written by `pygbox export` or was altered; export again.',
      );
    }
  }
  if (source.size(MODEL_MANIFEST_PATH) === undefined) {
    throw sourceProblem(
      source,
      source.label,
      `has no ${MODEL_MANIFEST_PATH}: it is not a model that \`pygbox export\` wrote`,
      HINT_NOT_A_MODEL,
    );
  }
  const size = source.size(MODEL_MANIFEST_PATH) ?? 0;
  if (size > MAX_MANIFEST_BYTES) {
    throw sourceProblem(
      source,
      MODEL_MANIFEST_PATH,
      `is ${size} bytes, far larger than a model descriptor`,
      HINT_NOT_A_MODEL,
    );
  }
}

export function parseModelManifest(source: ModelImportSource, bytes: Uint8Array): ModelManifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw sourceProblem(source, MODEL_MANIFEST_PATH, 'is not valid UTF-8 JSON', HINT_EXPORT_AGAIN);
  }
  const header = modelManifestHeaderSchema.safeParse(value);
  if (!header.success || header.data.format !== MODEL_FORMAT) {
    throw sourceProblem(
      source,
      MODEL_MANIFEST_PATH,
      `is not a Pygbox model descriptor (its format is not "${MODEL_FORMAT}")`,
      HINT_NOT_A_MODEL,
      'format',
    );
  }
  const version = header.data.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > MODEL_FORMAT_VERSION) {
    throw sourceProblem(
      source,
      MODEL_MANIFEST_PATH,
      `is model format version ${version}; this extension reads version ${MODEL_FORMAT_VERSION}`,
      'Update the Pygbox extension, or export the model with the pygbox version that matches this extension.',
      'version',
    );
  }
  const parsed = modelManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue === undefined || issue.path.length === 0 ? undefined : issue.path.map(String).join('.');
    throw sourceProblem(
      source,
      MODEL_MANIFEST_PATH,
      `does not match model format version ${MODEL_FORMAT_VERSION}: ${issue?.message ?? 'invalid'}`,
      HINT_EXPORT_AGAIN,
      field,
    );
  }
  return parsed.data;
}

/** Every listed file present with its listed size; nothing that would land on the install marker. */
export function checkListedFiles(source: ModelImportSource, manifest: ModelManifest): void {
  for (const [index, file] of manifest.files.entries()) {
    const problem = entryPathProblem(file.path);
    if (problem !== undefined || file.path === INSTALLED_MARKER_NAME) {
      throw sourceProblem(
        source,
        MODEL_MANIFEST_PATH,
        `lists a file with an unsafe name (${problem ?? 'reserved'})`,
        HINT_EXPORT_AGAIN,
        `files.${index}.path`,
      );
    }
    const size = source.size(file.path);
    if (size === undefined) {
      throw sourceProblem(
        source,
        file.path,
        `is listed in ${MODEL_MANIFEST_PATH} but missing from the ${source.label === MODEL_ARCHIVE_NAME ? 'zip' : 'folder'}`,
        HINT_EXPORT_AGAIN,
      );
    }
    if (size !== file.bytes) {
      throw sourceProblem(
        source,
        file.path,
        `is ${size} bytes; ${MODEL_MANIFEST_PATH} says ${file.bytes}`,
        HINT_EXPORT_AGAIN,
      );
    }
  }
}

export { HINT_EXPORT_AGAIN };
