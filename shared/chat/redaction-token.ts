/**
 * Placeholders older tools wrote in place of the user's names: the Pygmalion dumper's
 * `[USERNAME_REDACTED]`, `[NAME_IN_MESSAGE_REDACTED]`, … and CAI Tools' `[Your_Nickname]`. They are
 * not identities; collecting them would make the anonymizer replace its own kind of placeholder.
 */
const REDACTION_TOKEN = /^\[[A-Z_]+_REDACTED\]$|^\[Your_Nickname\]$/;

export function isRedactionToken(value: string): boolean {
  return REDACTION_TOKEN.test(value.trim());
}
