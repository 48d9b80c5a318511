import { z } from 'zod';
import { formatIssuePath } from '../errors/zod-issue-path.ts';

/**
 * A character card (TavernAI V1, V2 `chara_card_v2`, V3 `chara_card_v3`): the fields Pygbox uses,
 * read without any platform API so the trainer (trainer-node/dataset/sources/read-character-card.ts)
 * and the browser chat page read a card the same way.
 */
export interface CharacterCardFields {
  name: string;
  description?: string;
  personality?: string;
  scenario?: string;
  /** The greeting the chat opens with. */
  first_mes?: string;
  alternate_greetings: string[];
  /** Example dialogue, `<START>`-separated, with `{{user}}`/`{{char}}` as written. */
  mes_example?: string;
  /** The card maker's handle: only ever used to redact it from texts. */
  creator?: string;
}

export type CardRead = { ok: true; card: CharacterCardFields } | { ok: false; message: string };

/**
 * Fields that chat uses but training does not are read leniently (`.catch`), so a card whose greeting
 * or examples are not text still gives its persona to a dataset.
 */
const cardFieldsSchema = z.looseObject({
  name: z.string().trim().min(1),
  first_mes: z.string().optional().catch(undefined),
  description: z.string().optional(),
  personality: z.string().optional(),
  scenario: z.string().optional(),
  creator: z.string().optional(),
  alternate_greetings: z.array(z.string()).optional().catch(undefined),
  mes_example: z.string().optional().catch(undefined),
});
const wrappedCardSchema = z.looseObject({
  spec: z.enum(['chara_card_v2', 'chara_card_v3']),
  data: cardFieldsSchema,
});

/** True for JSON that looks like a card (so a `.json` input is read as one). */
export function isCharacterCardJson(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if ('spec' in value && typeof value.spec === 'string' && value.spec.startsWith('chara_card')) return true;
  return 'name' in value && 'first_mes' in value;
}

/** A card's JSON (V1 flat, V2/V3 wrapped in `data`); the message names the first bad field, never its value. */
export function parseCharacterCardJson(value: unknown): CardRead {
  // A card that says it is V2/V3 is judged as one, so its error names `data.…` fields.
  const isWrapped = typeof value === 'object' && value !== null && 'spec' in value;
  const parsed = isWrapped
    ? wrappedCardSchema.transform((card) => card.data).safeParse(value)
    : cardFieldsSchema.safeParse(value);
  if (!parsed.success) return { ok: false, message: describeCardProblem(parsed.error) };
  const { name, description, personality, scenario, creator, first_mes, alternate_greetings, mes_example } =
    parsed.data;
  return {
    ok: true,
    card: {
      name,
      ...(description === undefined ? {} : { description }),
      ...(personality === undefined ? {} : { personality }),
      ...(scenario === undefined ? {} : { scenario }),
      ...(first_mes === undefined ? {} : { first_mes }),
      alternate_greetings: alternate_greetings ?? [],
      ...(mes_example === undefined ? {} : { mes_example }),
      ...(creator === undefined ? {} : { creator }),
    },
  };
}

/**
 * The persona a card gives: description and personality, each trimmed, the non-empty ones joined by
 * a newline. Training and chat both use this, so a card means the same in both.
 */
export function cardPersona(card: Pick<CharacterCardFields, 'description' | 'personality'>): string {
  return [card.description, card.personality]
    .map((text) => text?.trim() ?? '')
    .filter((text) => text !== '')
    .join('\n');
}

/** The first failing field of a schema error and what was expected; never the value found. */
function describeCardProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'not a character card';
  const path = formatIssuePath(issue.path);
  const expected =
    'expected' in issue && typeof issue.expected === 'string' ? `expected ${issue.expected}` : issue.code;
  return `not a character card: ${path === '' ? 'the line' : `field \`${path}\``}: ${expected}`;
}
