import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/** The file the worker writes last into a checkpoint folder; a folder without it is not one. */
export const CHECKPOINT_MARKER = 'pygbox-checkpoint.json';
const CHECKPOINT_FOLDER = /^checkpoint-(\d+)$/;

export interface FoundCheckpoint {
  step: number;
  path: string;
}

/**
 * The complete checkpoints in an output folder, by step. The worker writes each into a temporary
 * folder and renames it, so `checkpoint-<step>/` with its marker is complete; `final/` is the end
 * of a finished run (its step is not in its name).
 */
export async function findCheckpoints(
  outputDir: string,
): Promise<{ steps: FoundCheckpoint[]; final: string | null }> {
  if (!existsSync(outputDir)) return { steps: [], final: null };
  const steps: FoundCheckpoint[] = [];
  for (const entry of await readdir(outputDir, { withFileTypes: true })) {
    const match = CHECKPOINT_FOLDER.exec(entry.name);
    if (
      entry.isDirectory() &&
      match?.[1] !== undefined &&
      existsSync(join(outputDir, entry.name, CHECKPOINT_MARKER))
    ) {
      steps.push({ step: Number(match[1]), path: join(outputDir, entry.name) });
    }
  }
  steps.sort((a, b) => a.step - b.step);
  const final = join(outputDir, 'final');
  return { steps, final: existsSync(join(final, CHECKPOINT_MARKER)) ? final : null };
}

/**
 * What `--resume` means for this output folder: the given checkpoint folder, or (no folder given)
 * the latest one there; null when not resuming. Refuses to start over a folder that already holds a
 * run unless asked to resume it: training would overwrite its checkpoints.
 */
export async function resolveResume(
  outputDir: string,
  resume: string | boolean,
  configFile: string,
): Promise<string | null> {
  const found = await findCheckpoints(outputDir);
  if (resume === false) {
    const previous = found.steps.at(-1)?.path ?? found.final;
    if (previous !== null) {
      throw new PygboxError('usage', `output_dir already holds a run (${previous})`, {
        place: { file: configFile, field: 'output_dir' },
        hint: 'pass --resume to continue it, or set output_dir to a new folder',
      });
    }
    return null;
  }
  if (typeof resume === 'string') {
    const path = resolve(resume);
    if (!existsSync(join(path, CHECKPOINT_MARKER))) {
      throw new PygboxError(
        'usage',
        `--resume: ${path} is not a checkpoint folder (no ${CHECKPOINT_MARKER})`,
        {
          hint: `pass a checkpoint-<step> folder that a run wrote, or --resume alone for the latest in ${outputDir}`,
        },
      );
    }
    return path;
  }
  const latest = found.steps.at(-1);
  if (latest === undefined) {
    throw new PygboxError('usage', `--resume: there is no checkpoint to resume in ${outputDir}`, {
      place: { file: configFile, field: 'output_dir' },
      hint:
        found.final === null
          ? 'run without --resume to start training (a checkpoint-<step> folder appears at the first checkpoint)'
          : 'that run finished (final/ is there): export it, or start a new run in a new output_dir',
    });
  }
  return latest.path;
}
