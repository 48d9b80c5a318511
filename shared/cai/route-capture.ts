import type { CaptureRecord } from '../capture/capture-record.ts';
import type { CaptureProblem } from './adapted-captures.ts';
import type { CaiAdapter } from './cai-adapter.ts';
import { type CaiApiFamily, caiApiFamily } from './cai-hosts.ts';
import { classifyCaiResponse } from './cai-response-error.ts';
import { captureEndpoint, parseCaptureUrl } from './capture-endpoint.ts';
import type { CaptureYield } from './capture-yield.ts';
import { legacyCharacterInfoAdapter } from './legacy-character-info.ts';
import { legacyHistoriesAdapter } from './legacy-histories.ts';
import { legacyHistoryMsgsAdapter } from './legacy-history-msgs.ts';
import { legacyPersonasAdapter } from './legacy-personas.ts';
import { legacyUserAdapter } from './legacy-user.ts';
import { neoCharacterInfoAdapter, neoCharacterInfosAdapter } from './neo-character-info.ts';
import { neoChatListAdapter, neoSingleChatAdapter } from './neo-chat-list.ts';
import { neoTurnsPageAdapter } from './neo-turns-page.ts';

/** One known endpoint: the API family (which hosts), the path, and the adapter of its body. */
interface CaiEndpoint {
  family: CaiApiFamily;
  path: RegExp;
  adapter: CaiAdapter;
}

/** Every endpoint the adapters know. Paths match with or without the trailing slash. */
const ENDPOINTS: readonly CaiEndpoint[] = [
  { family: 'neo', path: /^\/turns\/[^/]+\/?$/, adapter: neoTurnsPageAdapter },
  { family: 'neo', path: /^\/chats\/?$/, adapter: neoChatListAdapter },
  { family: 'neo', path: /^\/chats\/recent(\/[^/]+)?\/?$/, adapter: neoChatListAdapter },
  { family: 'neo', path: /^\/chat\/[^/]+\/?$/, adapter: neoSingleChatAdapter },
  { family: 'neo', path: /^\/character\/v1\/get_character_info\/?$/, adapter: neoCharacterInfoAdapter },
  { family: 'neo', path: /^\/character\/v1\/get_character_infos\/?$/, adapter: neoCharacterInfosAdapter },
  { family: 'legacy', path: /^\/chat\/character\/histories(_v2)?\/?$/, adapter: legacyHistoriesAdapter },
  { family: 'legacy', path: /^\/chat\/history\/msgs\/user\/?$/, adapter: legacyHistoryMsgsAdapter },
  {
    family: 'legacy',
    path: /^\/chat\/character\/(info|info-cached)\/?$/,
    adapter: legacyCharacterInfoAdapter,
  },
  { family: 'legacy', path: /^\/chat\/character\/?$/, adapter: legacyCharacterInfoAdapter },
  { family: 'legacy', path: /^\/chat\/user\/?$/, adapter: legacyUserAdapter },
  { family: 'legacy', path: /^\/chat\/personas\/?$/, adapter: legacyPersonasAdapter },
];

/** The adapter for a record's URL, or undefined when no known endpoint matches it. */
export function findCaiAdapter(url: string): CaiAdapter | undefined {
  const parsed = parseCaptureUrl(url);
  if (parsed === undefined) return undefined;
  const family = caiApiFamily(parsed.hostname);
  if (family === undefined) return undefined;
  return ENDPOINTS.find((endpoint) => endpoint.family === family && endpoint.path.test(parsed.pathname))
    ?.adapter;
}

export type RoutedCapture = { ok: true; yield: CaptureYield } | { ok: false; problem: CaptureProblem };

/**
 * Reads one record: finds its endpoint, checks the response is not an error, then adapts the body.
 * Never throws: anything unexpected becomes a problem that names the endpoint, not the content.
 */
export function routeCapture(record: CaptureRecord, recordIndex: number): RoutedCapture {
  const endpoint = captureEndpoint(record.url);
  const problem = (kind: CaptureProblem['kind'], message: string): RoutedCapture => ({
    ok: false,
    problem: { recordIndex, endpoint, kind, message },
  });

  const url = parseCaptureUrl(record.url);
  const adapter = findCaiAdapter(record.url);
  if (url === undefined || adapter === undefined) {
    return problem('unknown-endpoint', `no adapter knows ${endpoint}; the record was kept but not read`);
  }
  const verdict = classifyCaiResponse(record);
  if (!verdict.ok) return problem(verdict.error.kind, verdict.error.message);
  try {
    const outcome = adapter.adapt(record, url);
    return outcome.ok ? outcome : problem(outcome.kind, outcome.message);
  } catch {
    return problem('unknown-shape', `${adapter.name}: the response could not be read`);
  }
}
