import type { AnonPreference } from '../../shared/local-chat/anon-preference.ts';

/**
 * One preference record per key, the latest: the same comparison exported again (a later export
 * of the same chats, with more swipes or ratings since) has the same key (preference-key.ts), and
 * importing both exports must not count it twice. The later `day` wins; on the same day, the one
 * read last (the later input). Keys keep the order they were first seen in.
 */
export function latestPreferences(records: readonly AnonPreference[]): AnonPreference[] {
  const byKey = new Map<string, AnonPreference>();
  for (const record of records) {
    const held = byKey.get(record.key);
    if (held === undefined || record.day >= held.day) byKey.set(record.key, record);
  }
  return [...byKey.values()];
}
