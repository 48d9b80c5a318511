/**
 * Written into every export manifest. Bump it whenever the anonymizer's rules change, so a collector
 * can tell which exports were made under which rules and re-check old ones.
 */
export const ANONYMIZER_VERSION = '1.2.0';
