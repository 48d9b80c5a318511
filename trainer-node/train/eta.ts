/**
 * Time left from the recent step rate: the last few step events, not the whole run, so the first
 * slow steps (compilation, warm caches) stop counting once the run settles, and a slowdown shows.
 */
export const ETA_WINDOW_STEPS = 20;

export interface StepTiming {
  step: number;
  elapsedSeconds: number;
}

/** Keeps the last `ETA_WINDOW_STEPS + 1` timings (a window of that many steps has that many gaps). */
export function rememberStep(history: readonly StepTiming[], timing: StepTiming): StepTiming[] {
  const kept = history.filter((earlier) => earlier.step < timing.step);
  return [...kept, timing].slice(-(ETA_WINDOW_STEPS + 1));
}

/** Seconds until `totalSteps`, or null while fewer than two steps are known or time stood still. */
export function secondsLeft(history: readonly StepTiming[], totalSteps: number): number | null {
  const first = history[0];
  const last = history.at(-1);
  if (first === undefined || last === undefined || last.step <= first.step) return null;
  const seconds = last.elapsedSeconds - first.elapsedSeconds;
  if (seconds <= 0) return null;
  const stepsPerSecond = (last.step - first.step) / seconds;
  return Math.max(0, totalSteps - last.step) / stepsPerSecond;
}

/** `42s`, `3m05s`, `2h07m`: short enough for a status line. */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
