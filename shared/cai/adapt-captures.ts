import type { CaptureRecord } from '../capture/capture-record.ts';
import type { AdaptedCaptures, CaptureProblem } from './adapted-captures.ts';
import { assembleCaptures } from './assemble-captures.ts';
import type { CaptureYield } from './capture-yield.ts';
import type { Captured } from './captured.ts';
import { routeCapture } from './route-capture.ts';

/**
 * Capture records (any order, any mix of endpoints and hosts) → chats, characters, account
 * identities, and a problem for every record that gave nothing. Never throws on site data.
 */
export function adaptCaptures(records: readonly CaptureRecord[]): AdaptedCaptures {
  const yields: Captured<CaptureYield>[] = [];
  const problems: CaptureProblem[] = [];
  records.forEach((record, recordIndex) => {
    const routed = routeCapture(record, recordIndex);
    if (routed.ok) yields.push({ value: routed.yield, capturedAt: record.capturedAt, recordIndex });
    else problems.push(routed.problem);
  });
  return assembleCaptures(yields, problems);
}
