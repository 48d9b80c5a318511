import type { LegacyMessage } from './capture-yield.ts';

export interface LegacyWithSwipes {
  message: LegacyMessage;
  /** Texts of the alternatives attached to this message, in site order. */
  swipes: string[];
}

/**
 * Folds legacy alternatives (`is_alternative: true`, the replies the user swiped away) into the
 * message they were alternatives to: the nearest non-alternative of the same role in the same run
 * of consecutive same-role messages, preceding first, else following. An alternative with no such
 * message has nothing to belong to and is dropped; it never becomes a message of its own.
 */
export function attachLegacyAlternatives(ordered: readonly LegacyMessage[]): LegacyWithSwipes[] {
  const kept: LegacyWithSwipes[] = [];
  let runStart = 0;
  while (runStart < ordered.length) {
    const role = ordered[runStart]?.isHuman;
    let runEnd = runStart;
    while (runEnd < ordered.length && ordered[runEnd]?.isHuman === role) runEnd += 1;
    kept.push(...attachInRun(ordered.slice(runStart, runEnd)));
    runStart = runEnd;
  }
  return kept;
}

function attachInRun(run: readonly LegacyMessage[]): LegacyWithSwipes[] {
  const slots = run.map((message) =>
    message.isAlternative ? undefined : { message, swipes: [] as string[] },
  );
  run.forEach((message, index) => {
    if (!message.isAlternative || message.textMissing || message.text === '') return;
    const target = nearestBefore(slots, index) ?? nearestAfter(slots, index);
    target?.swipes.push(message.text);
  });
  return slots.filter((slot): slot is LegacyWithSwipes => slot !== undefined);
}

function nearestBefore(
  slots: readonly (LegacyWithSwipes | undefined)[],
  index: number,
): LegacyWithSwipes | undefined {
  for (let i = index - 1; i >= 0; i -= 1) {
    const slot = slots[i];
    if (slot !== undefined) return slot;
  }
  return undefined;
}

function nearestAfter(
  slots: readonly (LegacyWithSwipes | undefined)[],
  index: number,
): LegacyWithSwipes | undefined {
  for (let i = index + 1; i < slots.length; i += 1) {
    const slot = slots[i];
    if (slot !== undefined) return slot;
  }
  return undefined;
}
