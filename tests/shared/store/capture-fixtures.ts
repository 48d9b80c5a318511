import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';

/** Invented neo captures: a user "Mira Testwood" chatting with the bot "Chef Sprocket". */
export const CHAT_ID = 'chat-0001';
export const CHARACTER_ID = 'char-chef';
export const USER_ID = 'u-4242';
export const USER_NAME = 'Mira Testwood';

interface TurnSpec {
  id: string;
  human: boolean;
  text: string;
  at: string;
  swipes?: string[];
}

function turn(spec: TurnSpec) {
  const candidates = [spec.text, ...(spec.swipes ?? [])].map((text, index) => ({
    candidate_id: `${spec.id}-c${index}`,
    raw_content: text,
    create_time: spec.at,
  }));
  return {
    turn_key: { chat_id: CHAT_ID, turn_id: spec.id },
    create_time: spec.at,
    author: spec.human
      ? { author_id: USER_ID, name: USER_NAME, is_human: true }
      : { author_id: CHARACTER_ID, name: 'Chef Sprocket' },
    candidates,
    primary_candidate_id: `${spec.id}-c0`,
  };
}

export const OLD_TURNS: TurnSpec[] = [
  { id: 't1', human: false, text: 'Welcome to my kitchen!', at: '2024-03-05T10:00:00Z' },
  { id: 't2', human: true, text: 'Hello, I am Mira.', at: '2024-03-05T10:01:00Z' },
];

export const NEW_TURNS: TurnSpec[] = [
  { id: 't3', human: false, text: 'Bolt soup tonight.', at: '2024-03-05T10:02:00Z', swipes: ['Gear pie.'] },
  { id: 't4', human: true, text: 'Sounds crunchy.', at: '2024-03-05T10:03:00Z' },
];

export const LATER_TURN: TurnSpec = { id: 't5', human: false, text: 'It is!', at: '2024-03-06T09:00:00Z' };

/** A neo turns page; turns are listed newest first, as the site sends them. */
export function turnsPage(
  turns: readonly TurnSpec[],
  capturedAt: string,
  pageToken?: string,
  nextToken?: string,
): CaptureRecord {
  const query = pageToken === undefined ? '' : `?next_token=${encodeURIComponent(pageToken)}`;
  return {
    url: `https://neo.character.ai/turns/${CHAT_ID}/${query}`,
    method: 'GET',
    status: 200,
    body: { turns: [...turns].reverse().map(turn), meta: { next_token: nextToken ?? null } },
    capturedAt,
  };
}

export function chatList(capturedAt: string): CaptureRecord {
  return {
    url: 'https://neo.character.ai/chats/recent/',
    method: 'GET',
    status: 200,
    body: {
      chats: [
        {
          chat_id: CHAT_ID,
          create_time: '2024-03-05T09:59:00Z',
          creator_id: USER_ID,
          character_id: CHARACTER_ID,
          character_name: 'Chef Sprocket',
        },
      ],
    },
    capturedAt,
  };
}

export function characterInfo(capturedAt: string): CaptureRecord {
  return {
    url: 'https://neo.character.ai/character/v1/get_character_info',
    method: 'POST',
    status: 200,
    body: {
      character: {
        external_id: CHARACTER_ID,
        name: 'Chef Sprocket',
        title: 'A robot who bakes',
        description: 'Runs a kitchen on the moon.',
        definition: '{{char}}: Bolts are seasoning.',
        greeting: 'Welcome to my kitchen!',
      },
    },
    capturedAt,
  };
}
