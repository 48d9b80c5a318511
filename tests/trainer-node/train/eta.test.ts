import { describe, expect, it } from 'vitest';
import {
  ETA_WINDOW_STEPS,
  formatDuration,
  rememberStep,
  type StepTiming,
  secondsLeft,
} from '../../../trainer-node/train/eta.ts';

function timings(pairs: [number, number][]): StepTiming[] {
  return pairs.reduce<StepTiming[]>(
    (history, [step, elapsedSeconds]) => rememberStep(history, { step, elapsedSeconds }),
    [],
  );
}

describe('ETA', () => {
  it('needs two steps and some time before it guesses', () => {
    expect(secondsLeft([], 10)).toBeNull();
    expect(secondsLeft(timings([[1, 5]]), 10)).toBeNull();
    expect(
      secondsLeft(
        timings([
          [1, 5],
          [2, 5],
        ]),
        10,
      ),
    ).toBeNull();
  });

  it('divides the steps left by the recent step rate', () => {
    // 2 steps in 4 s: 0.5 steps/s; 96 steps left take 192 s.
    expect(
      secondsLeft(
        timings([
          [2, 10],
          [3, 12],
          [4, 14],
        ]),
        100,
      ),
    ).toBe(192);
    expect(
      secondsLeft(
        timings([
          [2, 10],
          [4, 14],
        ]),
        4,
      ),
    ).toBe(0);
  });

  it('forgets slow early steps once the window has moved past them', () => {
    // A 60 s first step (compilation), then 1 s steps.
    const history = timings([
      [1, 60],
      ...Array.from({ length: 30 }, (_, index): [number, number] => [index + 2, 61 + index]),
    ]);
    expect(history).toHaveLength(ETA_WINDOW_STEPS + 1);
    expect(history[0]?.step).toBe(31 - ETA_WINDOW_STEPS);
    expect(secondsLeft(history, 41)).toBe(10);
  });

  it('starts over when steps go backwards (a resumed run reporting again)', () => {
    const history = timings([
      [10, 100],
      [11, 101],
      [5, 3],
      [6, 4],
    ]);
    expect(history.map((timing) => timing.step)).toEqual([5, 6]);
  });

  it('writes durations short', () => {
    expect([formatDuration(42.4), formatDuration(185), formatDuration(7620), formatDuration(59.6)]).toEqual([
      '42s',
      '3m05s',
      '2h07m',
      '1m00s',
    ]);
  });
});
