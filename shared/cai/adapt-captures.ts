import type { CaptureRecord } from '../capture/capture-record.ts';
import type { AdaptedCaptures } from './adapted-captures.ts';
import { createCaptureAdapter } from './capture-adapter.ts';

/**
 * Capture records (any order, any mix of endpoints and hosts) → chats, characters, account
 * identities, and a problem for every record that gave nothing. Never throws on site data.
 */
export function adaptCaptures(records: readonly CaptureRecord[]): AdaptedCaptures {
  const adapter = createCaptureAdapter();
  for (const record of records) adapter.add(record);
  return adapter.finish();
}
