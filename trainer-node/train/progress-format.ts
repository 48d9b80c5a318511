import { formatDuration } from './eta.ts';
import type { StepEvent, TrainEvent } from './train-events.ts';

/**
 * Training events as text, with no I/O: the status line a terminal redraws, and the plain lines a
 * log gets. Kept pure so the exact output is tested on fixed events.
 */

const BAR_CELLS = 20;

/** The one status line a terminal redraws: bar, step/total, loss, tokens/s, MFU, ETA, next checkpoint. */
export function formatStatusLine(step: StepEvent, etaSeconds: number | null, columns: number): string {
  const done = step.total_steps === 0 ? 1 : Math.min(1, step.step / step.total_steps);
  const filled = Math.round(done * BAR_CELLS);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}]`;
  const line = [
    bar,
    `${step.step}/${step.total_steps}`,
    `loss ${formatLoss(step.loss)}`,
    formatRate(step.tokens_per_second),
    formatMfu(step.mfu),
    `ETA ${etaSeconds === null ? '?' : formatDuration(etaSeconds)}`,
    `next checkpoint ${step.next_checkpoint_step ?? 'at the end'}`,
  ].join('  ');
  // A line longer than the terminal wraps, and `\r` then redraws only its last part.
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`;
}

/** The plain line for a step event (logs, CI, anything that is not a terminal). */
export function formatStepLine(step: StepEvent, etaSeconds: number | null): string {
  return [
    `step ${step.step}/${step.total_steps}`,
    `epoch ${step.epoch.toFixed(2)}`,
    `loss ${formatLoss(step.loss)}`,
    `lr ${step.learning_rate.toExponential(2)}`,
    `grad norm ${step.grad_norm === null ? 'n/a' : step.grad_norm.toFixed(3)}`,
    `${step.tokens} tokens`,
    formatRate(step.tokens_per_second),
    formatMfu(step.mfu),
    `ETA ${etaSeconds === null ? '?' : formatDuration(etaSeconds)}`,
  ].join('  ');
}

/** The line for every event but `step` (which has its own two forms above). */
export function formatEventLine(event: Exclude<TrainEvent, StepEvent>): string {
  switch (event.event) {
    case 'start': {
      const processes = event.world_size === 1 ? '1 process' : `${event.world_size} processes`;
      const resumed =
        event.resumed_from === null
          ? ''
          : `; resuming from step ${event.resumed_from.step} (${event.resumed_from.path})`;
      return (
        `training on ${event.device} (${event.device_name}), ${processes}, ${event.dtype}: ` +
        `${formatCount(event.parameters)} parameters, ${formatCount(event.trainable_parameters)} trained; ` +
        `${event.total_steps} steps, ${event.checkpoint_every === 0 ? 'checkpoint at the end' : `checkpoint every ${event.checkpoint_every} steps`}` +
        `${resumed}`
      );
    }
    case 'eval':
      return `eval at step ${event.step}: loss ${formatLoss(event.loss)}, perplexity ${event.perplexity === null ? 'n/a' : event.perplexity.toFixed(2)} (${event.tokens} tokens)`;
    case 'checkpoint':
      return `checkpoint at step ${event.step} (${event.reason}): ${event.path}`;
    case 'done':
      return `done at step ${event.step}: train loss ${formatLoss(event.train_loss)}, eval loss ${formatLoss(event.eval_loss)}; final model in ${event.final_path}`;
    case 'interrupted':
      return `interrupted at step ${event.step}; checkpoint saved in ${event.checkpoint}`;
    case 'warning':
      return `warning: ${event.message}`;
    case 'error':
      return `error: ${event.message}`;
  }
}

function formatLoss(loss: number | null): string {
  return loss === null ? 'n/a' : loss.toFixed(4);
}

function formatMfu(mfu: number | null): string {
  return mfu === null ? 'MFU n/a' : `MFU ${(mfu * 100).toFixed(1)}%`;
}

/** `812 tok/s`, `12.3k tok/s`, `1.20M tok/s`. */
export function formatRate(tokensPerSecond: number): string {
  if (tokensPerSecond < 1000) return `${Math.round(tokensPerSecond)} tok/s`;
  if (tokensPerSecond < 1e6) return `${(tokensPerSecond / 1000).toFixed(1)}k tok/s`;
  return `${(tokensPerSecond / 1e6).toFixed(2)}M tok/s`;
}

/** `850`, `3.4M`, `1.32B`: parameter counts at a glance. */
export function formatCount(value: number): string {
  if (value < 1e4) return String(value);
  if (value < 1e6) return `${(value / 1e3).toFixed(1)}k`;
  if (value < 1e9) return `${(value / 1e6).toFixed(1)}M`;
  return `${(value / 1e9).toFixed(2)}B`;
}
