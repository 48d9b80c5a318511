import type { AnonPreference } from '../local-chat/anon-preference.ts';

declare const auditedPreferencesBrand: unique symbol;

/**
 * Preference records that passed the audit. The zip writer takes only this type, so preferences
 * cannot reach an export without the audit; `sealAuditedPreferences` is called by
 * `audit-preferences.ts` alone.
 */
export interface AuditedPreferences {
  readonly preferences: readonly AnonPreference[];
  readonly [auditedPreferencesBrand]: true;
}

export function sealAuditedPreferences(preferences: readonly AnonPreference[]): AuditedPreferences {
  return { preferences } as AuditedPreferences;
}
