/**
 * The hosts Character.AI served its API from over the years. The legacy API moved from `beta.` to
 * `plus.` to `old.` (and answered on the bare domain too); the current one lives on `neo.`.
 */
export type CaiApiFamily = 'neo' | 'legacy';

const LEGACY_HOSTS: ReadonlySet<string> = new Set([
  'character.ai',
  'www.character.ai',
  'beta.character.ai',
  'plus.character.ai',
  'old.character.ai',
]);

const NEO_HOSTS: ReadonlySet<string> = new Set(['neo.character.ai']);

/** Which API a host serves, or undefined for a host that is not Character.AI's. */
export function caiApiFamily(host: string): CaiApiFamily | undefined {
  const normalized = host.toLowerCase();
  if (NEO_HOSTS.has(normalized)) return 'neo';
  if (LEGACY_HOSTS.has(normalized)) return 'legacy';
  return undefined;
}
