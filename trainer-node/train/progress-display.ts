import { rememberStep, type StepTiming, secondsLeft } from './eta.ts';
import { formatEventLine, formatStatusLine, formatStepLine } from './progress-format.ts';
import type { TrainEvent } from './train-events.ts';

export interface ProgressStreams {
  /** Where event lines go when there is no terminal (a log, CI). */
  out: NodeJS.WritableStream;
  /** The terminal the status line is drawn on, and where the worker's own logs go. */
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * Shows training events. On a terminal: one status line on stderr, redrawn on every step, with
 * eval, checkpoint and other lines printed above it. Elsewhere: one plain line per
 * `logEverySteps` step event and one per other event, so a log stays readable.
 */
export class ProgressDisplay {
  private timings: StepTiming[] = [];
  private status = '';
  private readonly terminal: boolean;

  constructor(
    private readonly streams: ProgressStreams,
    private readonly logEverySteps: number,
  ) {
    this.terminal = streams.err.isTTY === true;
  }

  show(event: TrainEvent): void {
    if (event.event !== 'step') {
      this.line(formatEventLine(event));
      return;
    }
    this.timings = rememberStep(this.timings, { step: event.step, elapsedSeconds: event.elapsed_seconds });
    const eta = secondsLeft(this.timings, event.total_steps);
    if (this.terminal) {
      this.status = formatStatusLine(event, eta, this.streams.err.columns ?? 100);
      this.streams.err.write(`${CLEAR_LINE}${this.status}`);
    } else if (event.step % this.logEverySteps === 0 || event.step === event.total_steps) {
      this.streams.out.write(`${formatStepLine(event, eta)}\n`);
    }
  }

  /** A line of its own (a note from the CLI, a worker log line), above the status line if any. */
  line(text: string, target: 'out' | 'err' = 'out'): void {
    if (!this.terminal) {
      this.streams[target].write(`${text}\n`);
      return;
    }
    this.streams.err.write(`${CLEAR_LINE}${text}\n${this.status}`);
  }

  /** Leaves the status line in place and moves below it, before the final messages. */
  finish(): void {
    if (this.terminal && this.status !== '') this.streams.err.write('\n');
    this.status = '';
  }
}
