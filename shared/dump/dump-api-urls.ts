/**
 * The endpoints the dumper asks, built as the site builds them. The hosts are parameters so a
 * legacy dump talks to the legacy host the page is on (beta./plus./old.).
 */
export interface DumpHosts {
  /** e.g. `https://neo.character.ai` */
  neo: string;
  /** e.g. `https://plus.character.ai` */
  legacy: string;
}

export const DEFAULT_DUMP_HOSTS: DumpHosts = {
  neo: 'https://neo.character.ai',
  legacy: 'https://plus.character.ai',
};

const seg = encodeURIComponent;

export const dumpUrls = {
  neoTurns: (hosts: DumpHosts, chatId: string, nextToken: string | undefined) =>
    `${hosts.neo}/turns/${seg(chatId)}/${nextToken === undefined ? '' : `?next_token=${seg(nextToken)}`}`,
  neoChat: (hosts: DumpHosts, chatId: string) => `${hosts.neo}/chat/${seg(chatId)}/`,
  neoRecentChats: (hosts: DumpHosts, characterId: string | undefined, nextToken: string | undefined) =>
    withToken(
      `${hosts.neo}/chats/recent/${characterId === undefined ? '' : `${seg(characterId)}/`}`,
      nextToken,
    ),
  neoCharacterChats: (hosts: DumpHosts, characterId: string, nextToken: string | undefined) =>
    withToken(`${hosts.neo}/chats/?character_ids=${seg(characterId)}&num_preview_turns=2`, nextToken),
  neoCharacterInfo: (hosts: DumpHosts) => `${hosts.neo}/character/v1/get_character_info`,
  legacyMessages: (hosts: DumpHosts, chatId: string, pageNum: number) =>
    `${hosts.legacy}/chat/history/msgs/user/?history_external_id=${seg(chatId)}&page_num=${pageNum}`,
  legacyHistories: (hosts: DumpHosts) => `${hosts.legacy}/chat/character/histories_v2/`,
  legacyCharacterInfo: (hosts: DumpHosts) => `${hosts.legacy}/chat/character/info/`,
};

function withToken(url: string, nextToken: string | undefined): string {
  if (nextToken === undefined) return url;
  return `${url}${url.includes('?') ? '&' : '?'}next_token=${seg(nextToken)}`;
}
