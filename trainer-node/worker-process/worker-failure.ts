import { type ErrorPlace, PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { WorkerErrorEvent } from './common-events.ts';
import type { WorkerExit } from './run-worker.ts';

/**
 * The error for a worker that did not finish: what it reported (its `error` event names the config
 * field for configuration errors) or else its exit status, plus the end of its stderr, which is where
 * a Python traceback lands.
 */
export function workerFailure(
  module: string,
  exit: WorkerExit,
  reported: WorkerErrorEvent | undefined,
  place: ErrorPlace = {},
): PygboxError {
  const tail = exit.stderrTail.trim();
  const stderr = stderrTailNote(tail);
  if (reported !== undefined) {
    return new PygboxError('worker-failed', reported.message, {
      place: { ...place, ...(reported.field == null ? {} : { field: reported.field }) },
      hint: `${reported.hint ?? 'see the worker output'}${stderr}`,
    });
  }
  const how = exit.signal === null ? `exited with status ${exit.code}` : `was killed by ${exit.signal}`;
  return new PygboxError('worker-failed', `the worker (${module}) ${how}`, {
    place,
    hint: `${tail === '' ? 'run it again; if it keeps failing, report it' : 'see its stderr below'}${stderr}`,
  });
}

/** The worker's last stderr lines, indented under the hint; nothing when it wrote none. */
export function stderrTailNote(tail: string): string {
  if (tail.trim() === '') return '';
  return `\n  the worker's stderr ended with:\n${indent(tail.trim())}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
