import { describe, expect, it } from 'vitest';
import { createAnonymizer } from '../../../shared/anonymize/anonymizer.ts';
import type { Identity } from '../../../shared/chat/chat.ts';

// Every name and id below is invented.
const IDENTITIES: Identity[] = [
  { kind: 'display-name', value: 'Zoë Marie Quill' },
  { kind: 'username', value: 'zoe_starlight99' },
  { kind: 'first-name', value: 'Ann' },
  { kind: 'user-id', value: '48213377' },
  { kind: 'persona-name', value: 'Sofia' },
  { kind: 'account-name', value: 'Will' },
  { kind: 'user-supplied', value: 'فاطمة' },
  { kind: 'user-supplied', value: 'יעל' },
  { kind: 'user-supplied', value: '李明' },
  { kind: 'user-supplied', value: 'さくら' },
  { kind: 'user-supplied', value: '지수' },
  { kind: 'user-supplied', value: 'C.J.' },
  { kind: 'user-supplied', value: 'a+b' },
  { kind: 'user-supplied', value: '(ana)' },
  { kind: 'user-supplied', value: '[x]y' },
];

const anonymizer = createAnonymizer({ identities: IDENTITIES, redactions: ['Biscuit the dog'] });

describe('anonymizeText: identities become {{user}}', () => {
  it.each([
    // plain, case and Unicode variants
    ['plain', 'Hi Zoë!', 'Hi {{user}}!'],
    ['without diacritic', 'Hi Zoe!', 'Hi {{user}}!'],
    ['upper case', 'ZOË, stop.', '{{user}}, stop.'],
    ['decomposed diaeresis', 'Zoe\u0308 waves', '{{user}} waves'],
    ['full-width letters', 'Ｚｏｅ waves', '{{user}} waves'],
    ['mathematical script letters', '𝓩𝓸𝓮 waves', '{{user}} waves'],
    ['mathematical bold letters', '𝐙𝐨𝐞 waves', '{{user}} waves'],
    ['Cyrillic homoglyphs', 'Zое waves', '{{user}} waves'],
    ['Greek homoglyph', 'Ζoe waves', '{{user}} waves'],
    ['zero-width space inside', 'Z\u200Boe waves', '{{user}} waves'],
    ['zero-width joiner inside', 'Zo\u200De waves', '{{user}} waves'],
    ['bidi control inside', 'Z\u202Eoe waves', '{{user}} waves'],
    ['soft hyphen inside', 'Zo\u00ADe waves', '{{user}} waves'],
    // whole words only
    ['not inside Annabelle', 'Annabelle met Ann', 'Annabelle met {{user}}'],
    ['not inside planning or Joanne', 'planning with Joanne', 'planning with Joanne'],
    ['not inside a word with a diacritic after', 'Annë', 'Annë'],
    // a digit run glued on may name an alt account (identity-policy.ts), so it goes with the name
    ['with a digit run glued on', 'Ann2 and Ann', '{{user}} and {{user}}'],
    ['not before other letters', 'Anne and Annie', 'Anne and Annie'],
    ['not after an underscore', 'x_Ann', 'x_Ann'],
    // punctuation, emoji, markup, line edges
    ['punctuation', '(Ann), "Ann"; Ann?', '({{user}}), "{{user}}"; {{user}}?'],
    ['emoji neighbours', '💖Ann💖', '💖{{user}}💖'],
    ['actions', '*hugs Ann* *Ann smiles*', '*hugs {{user}}* *{{user}} smiles*'],
    ['tildes', '~Ann~', '~{{user}}~'],
    ['line starts and ends', 'Ann\nhello\nAnn', '{{user}}\nhello\n{{user}}'],
    ['quotes of other scripts', '«Ann» „Ann“', '«{{user}}» „{{user}}“'],
    // possessives and contractions keep their suffix
    ['straight possessive', "Zoë's cat", "{{user}}'s cat"],
    ['curly possessive', 'Zoë’s cat', '{{user}}’s cat'],
    ['contraction', "Ann'll come", "{{user}}'ll come"],
    // multi-part names: the whole phrase, any separator run, and each part of 3+ letters
    ['whole display name', 'Zoë Marie Quill is here', '{{user}} is here'],
    ['whole name with other separators', 'Zoe_Marie-Quill and Zoe.Marie  Quill', '{{user}} and {{user}}'],
    ['whole name without separators', 'ZoeMarieQuill', '{{user}}'],
    ['first part alone', 'Marie left', '{{user}} left'],
    ['surname alone', 'Miss Quill', 'Miss {{user}}'],
    // usernames
    ['username', 'zoe_starlight99 joined', '{{user}} joined'],
    ['username with a space', 'zoe starlight99 joined', '{{user}} joined'],
    ['username with a dot', 'zoe.starlight99 joined', '{{user}} joined'],
    ['username with a dash', 'zoe-starlight99 joined', '{{user}} joined'],
    ['username without separator', 'zoestarlight99 joined', '{{user}} joined'],
    ['username as a mention', 'hey @zoe_starlight99!', 'hey @{{user}}!'],
    ['username in capitals', 'ZOE_STARLIGHT99', '{{user}}'],
    // common words are replaced everywhere: privacy over fidelity
    ['common word identity', 'I will ask Will', 'I {{user}} ask {{user}}'],
    ['common word identity in capitals', 'WILL YOU', '{{user}} YOU'],
    // user ids as whole tokens only
    ['user id', 'my id is 48213377.', 'my id is {{user}}.'],
    ['user id inside a longer number', 'order 148213377', 'order 148213377'],
    // right-to-left and unspaced scripts
    ['Arabic name', 'مرحبا فاطمة!', 'مرحبا {{user}}!'],
    ['Hebrew name', 'שלום יעל.', 'שלום {{user}}.'],
    ['Arabic name inside a longer word is kept', 'فاطمةى', 'فاطمةى'],
    ['Han name inside a sentence', '我是李明的朋友', '我是{{user}}的朋友'],
    ['Hiragana name inside a sentence', 'これはさくらです', 'これは{{user}}です'],
    ['Latin name next to Han', '我是Ann。', '我是{{user}}。'],
    ['Hangul name as a word', '지수 안녕', '{{user}} 안녕'],
    // regex metacharacters are literal
    ['dotted initials', 'C.J. said hi', '{{user}}. said hi'],
    ['plus sign', 'a+b wins, aab loses', '{{user}} wins, aab loses'],
    ['parentheses', 'hi (ana) and ana', 'hi {{user}} and {{user}}'],
    ['brackets', '[x]y is here, xy is not', '{{user}} is here, xy is not'],
    // redactions
    ['redaction phrase', 'I walked Biscuit the dog.', 'I walked [REDACTED].'],
    // the longest match wins
    ['longest first', 'Zoë Marie Quill and Zoë', '{{user}} and {{user}}'],
  ])('%s', (_label, input, expected) => {
    expect(anonymizer.anonymizeText(input)).toBe(expected);
  });
});

describe('anonymizeText: placeholders are protected', () => {
  const tricky = createAnonymizer({
    identities: [
      { kind: 'display-name', value: 'user' },
      { kind: 'first-name', value: 'Char' },
      { kind: 'username', value: 'REDACTED' },
      { kind: 'account-name', value: 'email' },
    ],
  });

  it.each([
    ['{{user}} is kept', '{{user}} and user', '{{user}} and {{user}}'],
    ['{{char}} is kept', '{{char}} and char', '{{char}} and {{user}}'],
    ['[REDACTED] is kept', '[REDACTED] and redacted', '[REDACTED] and {{user}}'],
    ['[EMAIL] is kept', '[EMAIL] and Email', '[EMAIL] and {{user}}'],
    ['other casing of ours is made canonical', '{{User}} and {{CHAR}}', '{{user}} and {{char}}'],
  ])('%s', (_label, input, expected) => {
    expect(tricky.anonymizeText(input)).toBe(expected);
  });
});

describe('anonymizeText: the character name becomes {{char}}', () => {
  it.each([
    ['plain', 'Nova smiles.', 'Nova', '{{char}} smiles.'],
    ['case and diacritics', 'NOVA and Nóva', 'Nova', '{{char}} and {{char}}'],
    ['whole word only', 'Novak and Nova', 'Nova', 'Novak and {{char}}'],
    ['multi-word name as a phrase', 'Captain Orrin waves', 'Captain Orrin', '{{char}} waves'],
    ['a name that is the user wins for the user', 'Ann waves', 'Ann', '{{user}} waves'],
    ['a mention of the character', '@Nova hi', 'Nova', '@{{char}} hi'],
  ])('%s', (_label, input, character, expected) => {
    expect(anonymizer.anonymizeText(input, character)).toBe(expected);
  });
});

describe('identity list handling', () => {
  it('counts distinct identities after folding', () => {
    const counted = createAnonymizer({
      identities: [
        { kind: 'display-name', value: 'Zoë' },
        { kind: 'first-name', value: 'ZOE' },
        { kind: 'author-name', value: 'zoe' },
        { kind: 'username', value: 'zoe_q' },
        { kind: 'user-id', value: '7' },
      ],
    });
    expect(counted.identityCount).toBe(2);
  });

  it.each([
    ['a one-letter identity', { kind: 'first-name', value: 'Z' }, 'Z says Z'],
    ['a placeholder as identity', { kind: 'display-name', value: '{{user}}' }, 'the user'],
    [
      'an old dumper token as identity',
      { kind: 'username', value: '[USERNAME_REDACTED]' },
      'my username is hidden',
    ],
    ['separators only', { kind: 'display-name', value: '._-' }, 'a._-b'],
  ] as const)('ignores %s', (_label, identity, text) => {
    const ignoring = createAnonymizer({ identities: [identity] });
    expect(ignoring.identityCount).toBe(0);
    expect(ignoring.anonymizeText(text)).toBe(text);
  });

  it('works with no identities at all (PII still scrubbed)', () => {
    const bare = createAnonymizer({ identities: [] });
    expect(bare.anonymizeText('write to ann@example.com, Ann')).toBe('write to [EMAIL], Ann');
  });
});
