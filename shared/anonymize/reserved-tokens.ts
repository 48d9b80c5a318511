import { ALL_PLACEHOLDERS, PLACEHOLDERS } from '../chat/placeholders.ts';

/**
 * Tokens the original CharacterAI dumper (and the Pygmalion toolbox v1) wrote in place of the
 * user's names. Old dumps still hold them; they all mean "the user", except the creator token,
 * which names someone else and becomes plain `[REDACTED]`.
 */
export const LEGACY_REDACTION_TOKENS: ReadonlyMap<string, string> = new Map([
  ['[NAME_IN_MESSAGE_REDACTED]', PLACEHOLDERS.user],
  ['[USERNAME_REDACTED]', PLACEHOLDERS.user],
  ['[FIRST_NAME_REDACTED]', PLACEHOLDERS.user],
  ['[ACCOUNT_NAME_REDACTED]', PLACEHOLDERS.user],
  ['[NAME_REDACTED]', PLACEHOLDERS.user],
  ['[DISPLAY_NAME_REDACTED]', PLACEHOLDERS.user],
  ['<USER>', PLACEHOLDERS.user],
  ['[BOT_CREATOR_NAME_REDACTED]', PLACEHOLDERS.redacted],
]);

const RESERVED = new Set(
  [...ALL_PLACEHOLDERS, ...LEGACY_REDACTION_TOKENS.keys()].map((token) => token.toLowerCase()),
);

/**
 * True for a value that is a placeholder or an old redaction token rather than a name. Dumper files
 * carry `[USERNAME_REDACTED]` where the username was; taken as an identity it would turn every
 * "username" in the texts into `{{user}}`, so such values are never identities.
 */
export function isReservedToken(value: string): boolean {
  return RESERVED.has(value.trim().toLowerCase());
}
