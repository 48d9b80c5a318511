/**
 * The invented account the fake Character.AI serves: one user, two characters, three neo chats
 * (multi-page, with swipes) and one legacy chat. Every name here is made up. The user's identity
 * strings must never appear in an export; the tests check the zip bytes against this list.
 */
export const FAKE_USER = {
  id: '800300400',
  username: 'orla_brightwater',
  firstName: 'Orla',
  accountName: 'Orla Brightwater',
  email: 'orla.brightwater@example.net',
} as const;

/** The session token the fake page sends; the neo API answers 401 without it. */
export const FAKE_SESSION_TOKEN = 'fake-session-7f3a9c21d4';

/** Strings that identify the user and must be absent from every export byte. */
export const FAKE_IDENTITY_STRINGS: readonly string[] = [
  FAKE_USER.id,
  FAKE_USER.username,
  FAKE_USER.firstName,
  FAKE_USER.accountName,
  'Brightwater',
  FAKE_USER.email,
  FAKE_SESSION_TOKEN,
];

export interface FakeCharacter {
  id: string;
  name: string;
  title: string;
  greeting: string;
  /** The creator's username: dropped by the anonymizer, never in an export. */
  creator: string;
}

export const FAKE_CHARACTERS: readonly FakeCharacter[] = [
  {
    id: 'char-vexa-0001',
    name: 'Captain Vexa',
    title: 'Sky pirate of the Amber Reach',
    greeting: 'Welcome aboard the Gullwing, traveller.',
    creator: 'tidewright_maker',
  },
  {
    id: 'char-lumen-0002',
    name: 'Professor Lumen',
    title: 'Keeper of the glass observatory',
    greeting: 'Ah, a visitor. Mind the telescopes.',
    creator: 'starglass_author',
  },
];

export interface FakeNeoChat {
  chatId: string;
  characterId: string;
  /** Turns, oldest first; the API sends them newest first. */
  turnCount: number;
  createTime: string;
}

export const FAKE_NEO_CHATS: readonly FakeNeoChat[] = [
  {
    chatId: 'chat-vexa-aaaa-1111',
    characterId: 'char-vexa-0001',
    turnCount: 120,
    createTime: '2025-02-03T10:00:00Z',
  },
  {
    chatId: 'chat-vexa-bbbb-2222',
    characterId: 'char-vexa-0001',
    turnCount: 60,
    createTime: '2025-01-20T09:00:00Z',
  },
  {
    chatId: 'chat-lumen-cccc-3333',
    characterId: 'char-lumen-0002',
    turnCount: 30,
    createTime: '2025-01-05T08:00:00Z',
  },
];

export interface FakeLegacyChat {
  chatId: string;
  characterId: string;
  messageCount: number;
}

export const FAKE_LEGACY_CHATS: readonly FakeLegacyChat[] = [
  { chatId: 'hist-vexa-legacy-9999', characterId: 'char-vexa-0001', messageCount: 12 },
];

/** Neo turns per page, as the site sends (about 50). */
export const TURNS_PAGE_SIZE = 50;
/** Legacy messages per `page_num`. */
export const LEGACY_PAGE_SIZE = 5;

/** A bot turn every this many turns carries three candidates (swipes), the middle one chosen. */
const SWIPE_EVERY = 7;

export function fakeCharacter(characterId: string): FakeCharacter | undefined {
  return FAKE_CHARACTERS.find((character) => character.id === characterId);
}

export function turnId(chatId: string, index: number): string {
  return `${chatId}-turn-${String(index).padStart(4, '0')}`;
}

/** Human turns are even; some of them say the user's name in the text, as people do. */
export function isHumanTurn(index: number): boolean {
  return index % 2 === 0;
}

export function humanText(chatId: string, index: number): string {
  if (index === 0) return `Hello! My name is ${FAKE_USER.firstName}, write to me at ${FAKE_USER.email}.`;
  if (index % 10 === 4)
    return `${FAKE_USER.accountName} raises a lantern over the deck (${chatId.slice(0, 10)} line ${index}).`;
  return `I ask about the weather over the reach, line ${index}.`;
}

export function botText(characterName: string, index: number, candidate: number): string {
  if (index === 1) return `Ah, ${FAKE_USER.firstName}! ${characterName} bows low.`;
  return `${characterName} answers calmly, line ${index}, take ${candidate}.`;
}

function turnTime(chat: FakeNeoChat, index: number): string {
  return new Date(Date.parse(chat.createTime) + index * 60_000).toISOString().replace('.000Z', '.123456Z');
}

/** One neo turn in the site's shape, with the fields the adapters ignore too. */
export function fakeNeoTurn(chat: FakeNeoChat, index: number): Record<string, unknown> {
  const character = fakeCharacter(chat.characterId);
  const characterName = character?.name ?? 'Unknown';
  const id = turnId(chat.chatId, index);
  const time = turnTime(chat, index);
  const human = isHumanTurn(index);
  const swipes = !human && index % SWIPE_EVERY === 0 ? 3 : 1;
  const candidates = Array.from({ length: swipes }, (_, k) => ({
    candidate_id: `${id}-cand-${k}`,
    create_time: time,
    raw_content: human ? humanText(chat.chatId, index) : botText(characterName, index, k + 1),
    is_final: true,
  }));
  const author: Record<string, unknown> = human
    ? { author_id: FAKE_USER.id, name: FAKE_USER.username, is_human: true }
    : { author_id: chat.characterId, name: characterName };
  return {
    turn_key: { chat_id: chat.chatId, turn_id: id },
    create_time: time,
    last_update_time: time,
    state: 'STATE_OK',
    author,
    candidates,
    primary_candidate_id: candidates[Math.floor((swipes - 1) / 2)]?.candidate_id,
    is_pinned: false,
  };
}

/** The candidate text a turn's chosen reply has. */
export function chosenText(chat: FakeNeoChat, index: number): string {
  const turn = fakeNeoTurn(chat, index) as {
    candidates: { candidate_id: string; raw_content: string }[];
    primary_candidate_id: string;
  };
  return (
    turn.candidates.find((candidate) => candidate.candidate_id === turn.primary_candidate_id)?.raw_content ??
    ''
  );
}

/** A legacy message in the flat `msgs/user` shape. */
export function fakeLegacyFlatMessage(chat: FakeLegacyChat, index: number): Record<string, unknown> {
  const character = fakeCharacter(chat.characterId);
  const human = isHumanTurn(index);
  return {
    id: 5_000_000 + index,
    uuid: `${chat.chatId}-msg-${index}`,
    text: human ? humanText(chat.chatId, index) : botText(character?.name ?? 'Unknown', index, 1),
    src__name: human ? FAKE_USER.accountName : character?.name,
    src__is_human: human,
    src__user__username: human ? FAKE_USER.username : character?.creator,
    src_char: { participant: { name: character?.name }, avatar_file_name: 'uploaded/avatar.webp' },
    is_alternative: false,
    image_rel_path: '',
    responsible_user__username: human ? null : FAKE_USER.username,
  };
}

/** A legacy message in the nested `histories_v2` shape. */
export function fakeLegacyHistoryMessage(chat: FakeLegacyChat, index: number): Record<string, unknown> {
  const character = fakeCharacter(chat.characterId);
  const human = isHumanTurn(index);
  const user = {
    is_human: true,
    name: FAKE_USER.accountName,
    user: {
      id: Number(FAKE_USER.id),
      username: FAKE_USER.username,
      first_name: FAKE_USER.firstName,
      account: { name: FAKE_USER.accountName, avatar_file_name: '' },
    },
  };
  const bot = { is_human: false, name: character?.name, user: { username: character?.creator } };
  return {
    id: 6_000_000 + index,
    uuid: `${chat.chatId}-hmsg-${index}`,
    text: human ? humanText(chat.chatId, index) : botText(character?.name ?? 'Unknown', index, 1),
    display_name: human ? FAKE_USER.accountName : character?.name,
    is_alternative: false,
    created: new Date(Date.UTC(2023, 4, 1, 12, index)).toISOString(),
    src: human ? user : bot,
    tgt: human ? bot : user,
  };
}
