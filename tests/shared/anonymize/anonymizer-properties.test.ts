import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnonymizer } from '../../../shared/anonymize/anonymizer.ts';
import { findAuditFindings } from '../../../shared/anonymize/audit.ts';
import { foldText } from '../../../shared/anonymize/fold-text.ts';
import {
  type Chat,
  type Identity,
  type IdentityKind,
  identityKindSchema,
} from '../../../shared/chat/chat.ts';

/** Generated names of invented letters, disguised at random, embedded in generated text. */

const FILLER = [
  'the',
  'soft',
  'rain',
  'door',
  'and',
  'she',
  'laughs',
  '*waves*',
  'hello',
  '…',
  '💖',
  'okay',
  '—',
  '"yes"',
];
/** Every kind but user ids, which are digit strings rather than names. */
const KINDS: IdentityKind[] = identityKindSchema.options.filter((kind) => kind !== 'user-id');

const nameArb = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
  minLength: 2,
  maxLength: 9,
});

type Disguise = 'upper' | 'acute' | 'diaeresis' | 'fullwidth' | 'bold' | 'zwj' | 'plain';
const disguiseArb = fc.constantFrom<Disguise>(
  'upper',
  'acute',
  'diaeresis',
  'fullwidth',
  'bold',
  'zwj',
  'plain',
);

/** One spelling of `name` a reader still recognizes: every letter disguised its own way. */
function disguise(name: string, disguises: readonly Disguise[], compose: boolean): string {
  const letters = [...name].map((letter, index) => {
    const code = letter.charCodeAt(0) - 97;
    switch (disguises[index % disguises.length]) {
      case 'upper':
        return letter.toUpperCase();
      case 'acute':
        return `${letter}\u0301`;
      case 'diaeresis':
        return `${letter}\u0308`;
      case 'fullwidth':
        return String.fromCodePoint(0xff41 + code);
      case 'bold':
        return String.fromCodePoint(0x1d41a + code);
      case 'zwj':
        return index === 0 ? letter : `\u200D${letter}`;
      default:
        return letter;
    }
  });
  const spelled = letters.join('');
  return compose ? spelled.normalize('NFC') : spelled;
}

const embeddingArb = fc.record({
  name: nameArb,
  kind: fc.constantFrom(...KINDS),
  filler: fc.array(fc.constantFrom(...FILLER), { minLength: 0, maxLength: 12 }),
  spellings: fc.array(
    fc.record({
      at: fc.nat(),
      disguises: fc.array(disguiseArb, { minLength: 1, maxLength: 4 }),
      compose: fc.boolean(),
      before: fc.constantFrom('', '*', '(', '"', '~', '@', '¡'),
      after: fc.constantFrom('', '*', ')', '"', '~', "'s", '’s', '!', '.', ','),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

type Embedding = typeof embeddingArb extends fc.Arbitrary<infer T> ? T : never;

function embed(embedding: Embedding): string {
  const words = [...embedding.filler];
  for (const spelling of embedding.spellings) {
    const word = `${spelling.before}${disguise(embedding.name, spelling.disguises, spelling.compose)}${spelling.after}`;
    words.splice(spelling.at % (words.length + 1), 0, word);
  }
  return words.join(' ');
}

/** A whole-word search of the folded output: the audit's idea, written again as plainly as possible. */
function survives(name: string, output: string): boolean {
  const words = foldText(output).split(/[^\p{L}\p{N}_]+/u);
  return words.includes(name);
}

describe('generated identities never survive', () => {
  it('in texts: the audit passes and a folded word search finds nothing', () => {
    fc.assert(
      fc.property(embeddingArb, (embedding) => {
        const identities: Identity[] = [{ kind: embedding.kind, value: embedding.name }];
        const anonymizer = createAnonymizer({ identities });
        const text = embed(embedding);
        const chat: Chat = {
          chatId: 'p',
          source: 'neo',
          character: { name: 'Bramble', description: text },
          messages: [{ id: 'm', role: 'user', text, swipes: [text] }],
          identities: [],
        };
        const anon = anonymizer.anonymizeChat(chat);
        expect(findAuditFindings([anon], { identities })).toEqual([]);
        expect(survives(embedding.name, anon.messages[0]?.text ?? '')).toBe(false);
        expect(anon.messages[0]?.text).toContain('{{user}}');
      }),
      { numRuns: 300 },
    );
  });
});

describe('idempotence', () => {
  const anonymizer = createAnonymizer({
    identities: [
      { kind: 'display-name', value: 'Zoë Marie Quill' },
      { kind: 'username', value: 'zoe_star99' },
      { kind: 'first-name', value: 'user' },
      { kind: 'user-id', value: '48213377' },
    ],
    redactions: ['Maple Street'],
  });
  const pieces = fc.constantFrom(
    'Zoë',
    'QUILL',
    'zoe.star99',
    '@zoe_star99',
    '@someone',
    'user',
    '{{user}}',
    '{{User}}',
    '[REDACTED]',
    '[NAME_IN_MESSAGE_REDACTED]',
    'a@b.io',
    '555-201-7788',
    'https://x.io/a.',
    '4111 1111 1111 1111',
    '10.0.0.1',
    'maple  street',
    'Nova',
    ' ',
    '\u200D',
    '\u0301',
  );
  const textArb = fc.oneof(
    fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join('')),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );

  it('anonymizeText(anonymizeText(x)) === anonymizeText(x)', () => {
    fc.assert(
      fc.property(textArb, fc.constantFrom(undefined, 'Nova', 'Zoë'), (text, character) => {
        const once = anonymizer.anonymizeText(text, character);
        expect(anonymizer.anonymizeText(once, character)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('anonymizing an anonymized chat changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(textArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('Nova', 'Zoë Marie Quill'),
        (texts, name) => {
          const chat: Chat = {
            chatId: 'p',
            source: 'legacy',
            character: { name, greeting: texts[0] },
            messages: texts.map((text, index) => ({ id: `m${index}`, role: 'char', text, swipes: [text] })),
            identities: [],
          };
          const once = anonymizer.anonymizeChat(chat);
          const again = anonymizer.anonymizeChat({
            ...chat,
            character: once.character,
            messages: once.messages.map((message, index) => ({ ...message, id: `m${index}` })),
          });
          expect(again).toEqual(once);
        },
      ),
      { numRuns: 200 },
    );
  });
});
