import type { CaptureRecord } from '../capture/capture-record.ts';
import type { AdaptedCaptures, CaptureProblem } from './adapted-captures.ts';
import { assembleCaptures } from './assemble-captures.ts';
import type { CaptureYield } from './capture-yield.ts';
import type { Captured } from './captured.ts';
import { routeCapture } from './route-capture.ts';

/**
 * Adapts records one at a time: each is read into the few fields the chats need as it arrives,
 * so a caller streaming a large capture file holds those, never the raw bodies. `finish`
 * assembles the chats; the result depends only on the records, not on their order.
 */
export interface CaptureAdapter {
  /** Reads one record; its index in problems is the number of records added before it. */
  add(record: CaptureRecord): void;
  finish(): AdaptedCaptures;
}

export function createCaptureAdapter(): CaptureAdapter {
  const yields: Captured<CaptureYield>[] = [];
  const problems: CaptureProblem[] = [];
  let recordIndex = 0;
  return {
    add(record) {
      const routed = routeCapture(record, recordIndex);
      if (routed.ok) yields.push({ value: routed.yield, capturedAt: record.capturedAt, recordIndex });
      else problems.push(routed.problem);
      recordIndex += 1;
    },
    finish: () => assembleCaptures(yields, problems),
  };
}
