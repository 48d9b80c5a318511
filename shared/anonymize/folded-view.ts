import { foldCodePoint } from './fold-text.ts';

/**
 * A text folded code point by code point (see `foldCodePoint`), with the way back: which part of
 * the original a span of the folded text came from. The anonymizer searches the folded text and
 * replaces in the original.
 *
 * ASCII folds one to one, so only the runs of non-ASCII characters are recorded; between two runs
 * an offset in the folded text is an offset in the original shifted by a constant.
 */
export interface FoldedView {
  readonly folded: string;
  /** Index in the original of the code point that produced folded unit `index`. */
  sourceStart(index: number): number;
  /**
   * Index in the original just past the span of folded units that ends before `end`: past the
   * whole code point that produced unit `end - 1`, and past any following characters that fold to
   * nothing (marks, zero-width characters), which belong with it.
   */
  sourceEnd(end: number): number;
}

interface Run {
  readonly sourceStart: number;
  readonly sourceEnd: number;
  readonly foldedStart: number;
  readonly foldedEnd: number;
  readonly text: string;
}

/** Any UTF-16 unit above ASCII (a `u`-flag class is slower for this test). */
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_RUN = /[\u0080-\uffff]+/g;
const MAX_CACHED_RUNS = 20_000;
const runCache = new Map<string, string>();

export function foldRunByCodePoint(run: string): string {
  let folded = runCache.get(run);
  if (folded === undefined) {
    folded = '';
    for (const ch of run) folded += foldCodePoint(ch);
    if (runCache.size >= MAX_CACHED_RUNS) runCache.clear();
    runCache.set(run, folded);
  }
  return folded;
}

export function foldedView(text: string): FoldedView {
  if (!NON_ASCII.test(text)) return new AsciiView(text.toLowerCase());
  const runs: Run[] = [];
  let folded = '';
  let copied = 0;
  for (const match of text.matchAll(NON_ASCII_RUN)) {
    folded += text.slice(copied, match.index).toLowerCase();
    const foldedRun = foldRunByCodePoint(match[0]);
    runs.push({
      sourceStart: match.index,
      sourceEnd: match.index + match[0].length,
      foldedStart: folded.length,
      foldedEnd: folded.length + foldedRun.length,
      text: match[0],
    });
    folded += foldedRun;
    copied = match.index + match[0].length;
  }
  folded += text.slice(copied).toLowerCase();
  return new RunMappedView(text, folded, runs);
}

/** ASCII folds one to one: offsets are the same on both sides. */
class AsciiView implements FoldedView {
  constructor(readonly folded: string) {}

  sourceStart(index: number): number {
    return index;
  }

  sourceEnd(end: number): number {
    return end;
  }
}

class RunMappedView implements FoldedView {
  constructor(
    private readonly text: string,
    readonly folded: string,
    private readonly runs: readonly Run[],
  ) {}

  sourceStart(index: number): number {
    return this.locate(index).start;
  }

  sourceEnd(end: number): number {
    if (end <= 0) return 0;
    const { start, length } = this.locate(end - 1);
    let after = start + length;
    // Marks and invisible characters right after the span fold to nothing; they go with it.
    const run = this.runs.find((candidate) => after >= candidate.sourceStart && after < candidate.sourceEnd);
    if (run === undefined) return after;
    while (after < run.sourceEnd) {
      const next = String.fromCodePoint(this.text.codePointAt(after) ?? 0);
      if (foldCodePoint(next) !== '') break;
      after += next.length;
    }
    return after;
  }

  /** The code point that produced folded unit `index`: its start, its length, its run if any. */
  private locate(index: number): { start: number; length: number } {
    let previous: Run | undefined;
    for (const run of this.runs) {
      if (index < run.foldedStart) break;
      if (index < run.foldedEnd) return this.locateInRun(run, index);
      previous = run;
    }
    const start = previous === undefined ? index : previous.sourceEnd + (index - previous.foldedEnd);
    return { start, length: 1 };
  }

  private locateInRun(run: Run, index: number): { start: number; length: number } {
    let folded = run.foldedStart;
    let source = run.sourceStart;
    for (const ch of run.text) {
      folded += foldCodePoint(ch).length;
      if (index < folded) return { start: source, length: ch.length };
      source += ch.length;
    }
    return { start: run.sourceEnd, length: 0 };
  }
}
