/**
 * Which history lines fit: given the token cost of the fixed parts (header, cue, reply room, special
 * tokens) and of each history line, the index of the oldest line kept. Lines are taken from the
 * newest backwards until the next one would not fit, so the oldest go first and the persona never.
 * Returns undefined when the fixed parts, or the fixed parts and the newest line, exceed the
 * budget: the newest line is the message the reply answers, and a prompt without it (at chat time,
 * without what the user just said; in training, a reply taught without its cause) is worse than
 * none. Only lines before `end` are considered (the history of the turn at `end`). The chat page
 * and the dataset builder both trim through this one rule.
 */
export function fitHistory(
  fixedCost: number,
  lineCosts: readonly number[],
  budget: number,
  end = lineCosts.length,
): number | undefined {
  if (fixedCost > budget) return undefined;
  let used = fixedCost;
  let first = end;
  while (first > 0) {
    const cost = lineCosts[first - 1] ?? 0;
    if (used + cost > budget) break;
    used += cost;
    first -= 1;
  }
  if (end > 0 && first === end) return undefined;
  return first;
}
