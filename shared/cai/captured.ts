/** A piece of a capture with when it was captured and which record it came from. */
export interface Captured<T> {
  value: T;
  capturedAt: string;
  recordIndex: number;
}

/**
 * Negative when `a` was captured before `b`. Equal times fall back to the record index, so the
 * later record of the batch counts as the newer capture.
 */
export function compareCaptureTime<T>(a: Captured<T>, b: Captured<T>): number {
  const timeA = Date.parse(a.capturedAt);
  const timeB = Date.parse(b.capturedAt);
  if (!Number.isNaN(timeA) && !Number.isNaN(timeB) && timeA !== timeB) return timeA - timeB;
  return a.recordIndex - b.recordIndex;
}
