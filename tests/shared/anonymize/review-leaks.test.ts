import { describe, expect, it } from 'vitest';
import { createAnonymizer } from '../../../shared/anonymize/anonymizer.ts';
import { findAuditFindings } from '../../../shared/anonymize/audit.ts';
import type { AnonChat } from '../../../shared/chat/anon-chat.ts';
import type { Identity } from '../../../shared/chat/chat.ts';

/**
 * Spellings a privacy review got past both the anonymizer and the audit. Each row must be replaced
 * by the anonymizer AND found by the audit in the text as it was (so a miss on one side still
 * stops the export), and the anonymized text must pass the audit. All names are invented.
 */

function chatOf(text: string): AnonChat {
  return {
    key: '0123456789abcdef0123456789abcdef',
    source: 'neo',
    character: { name: 'Nova' },
    messages: [{ role: 'user', text, swipes: [] }],
  };
}

const ZOE: Identity = { kind: 'display-name', value: 'Zoe Starling' };
const OBRIEN: Identity = { kind: 'display-name', value: "Sean O'Brien" };
const CAMEL_AUTHOR: Identity = { kind: 'author-name', value: 'ZoeStarlight' };
const CAMEL_USER: Identity = { kind: 'username', value: 'ZoeStarlight' };
const DIGITS_USER: Identity = { kind: 'username', value: 'zoe_starlight99' };
const YAMADA: Identity = { kind: 'display-name', value: '山田 太郎' };
const WANG: Identity = { kind: 'display-name', value: '王小明' };
const BJORN: Identity = { kind: 'first-name', value: 'Bjorn' };
const STRASSE: Identity = { kind: 'display-name', value: 'Ann Strasse' };

describe('tricky spellings: the anonymizer replaces them and the audit finds them', () => {
  it.each([
    // 1. Latin lookalikes the fold did not map
    ['small capitals', ZOE, 'hi ᴢᴏᴇ ꜱᴛᴀʀʟɪɴɢ!', 'hi {{user}}!'],
    ['small capitals, other letters', ZOE, 'ʀɪʏʜɢʟɴʙ and ꜱᴛᴀʀʟɪɴɢ', 'ʀɪʏʜɢʟɴʙ and {{user}}'],
    ['regional indicator letters', ZOE, 'hi 🇿🇴🇪!', 'hi {{user}}!'],
    ['a name glued to a flag', ZOE, 'Zoe🇫🇷 waves', '{{user}}🇫🇷 waves'],
    ['negative squared letters', ZOE, '🆉🅾🅴 waves', '{{user}} waves'],
    ['parenthesized letters', ZOE, '⒵⒪⒠ waves', '{{user}} waves'],
    ['stroked o', BJORN, 'Bjørn and BJØRN', '{{user}} and {{user}}'],
    ['other stroked letters', { kind: 'first-name', value: 'Lidhtbiz' }, 'Łiđħŧƀɨƶ!', '{{user}}!'],
    ['sharp s, one letter to two', STRASSE, 'Frau Straße ist da', 'Frau {{user}} ist da'],
    ['capital sharp s', STRASSE, 'STRAẞE!', '{{user}}!'],
    // 2. apostrophes inside names
    ['apostrophe dropped', OBRIEN, 'OBrien called', '{{user}} called'],
    ['apostrophe as a space', OBRIEN, 'O Brien called', '{{user}} called'],
    ['curly apostrophe', OBRIEN, 'O’Brien called', '{{user}} called'],
    ['modifier apostrophe', OBRIEN, 'Oʼbrien called', '{{user}} called'],
    ['the whole name without the apostrophe', OBRIEN, 'Sean OBrien called', '{{user}} called'],
    ['the part after the apostrophe', OBRIEN, 'Brien called', '{{user}} called'],
    // 3. camel case
    ['camel-case name with a space', CAMEL_AUTHOR, 'Zoe Starlight here', '{{user}} here'],
    ['camel-case name with an underscore', CAMEL_AUTHOR, 'zoe_starlight here', '{{user}} here'],
    ['camel-case name run together', CAMEL_AUTHOR, 'zoestarlight here', '{{user}} here'],
    ['first part of a camel-case name', CAMEL_AUTHOR, 'Zoe here', '{{user}} here'],
    ['second part of a camel-case name', CAMEL_AUTHOR, 'Starlight here', '{{user}} here'],
    ['camel-case username with a space', CAMEL_USER, 'Zoe Starlight here', '{{user}} here'],
    ['username without its trailing digits', DIGITS_USER, 'zoe_starlight here', '{{user}} here'],
    ['username without digits, spaced', DIGITS_USER, 'Zoe Starlight here', '{{user}} here'],
    // 4. scripts without spaces
    ['Han surname alone', YAMADA, '山田さんです', '{{user}}さんです'],
    ['Han given name alone', YAMADA, '太郎は来た', '{{user}}は来た'],
    ['Han full name run together', YAMADA, '山田太郎です', '{{user}}です'],
    ['Han name of one part', WANG, '我是王小明', '我是{{user}}'],
  ] as const)('%s', (_label, identity, text, expected) => {
    const identities = [identity];
    const anonymized = createAnonymizer({ identities }).anonymizeText(text);
    expect(anonymized).toBe(expected);
    const kinds = findAuditFindings([chatOf(text)], { identities }).map((finding) => finding.kind);
    expect(kinds).toContain('identity');
    expect(findAuditFindings([chatOf(anonymized)], { identities })).toEqual([]);
  });
});

describe('tricky spellings: what stays', () => {
  it.each([
    ['a lone Han letter of a name', YAMADA, '山に登る'],
    ['sub-parts of a one-part Han name', WANG, '小明'],
    ['a plain word from a username with digits', { kind: 'username', value: 'kitty99' }, 'my kitty'],
    ['a flag next to nothing of the user', ZOE, 'Bonjour 🇫🇷'],
    ['a name part of two Latin letters', { kind: 'display-name', value: 'Jo Li' }, 'Jo said hi'],
  ] as const)('%s', (_label, identity, text) => {
    const identities = [identity];
    expect(createAnonymizer({ identities }).anonymizeText(text)).toBe(text);
    expect(findAuditFindings([chatOf(text)], { identities })).toEqual([]);
  });
});

/** One user under three identities, as a review tried them together. */
const STARLIGHT: Identity[] = [
  { kind: 'username', value: 'zoe_starlight' },
  { kind: 'first-name', value: 'Zoë' },
  { kind: 'display-name', value: 'Zoë Starling' },
];
const ANN: Identity[] = [{ kind: 'first-name', value: 'Ann' }];
const WILL: Identity[] = [{ kind: 'account-name', value: 'Will' }];

describe('a second review: the anonymizer replaces them and the audit finds them', () => {
  it.each([
    // 5. a plural or possessive `s` glued to a name, after a letter
    ['plural s on a first name', STARLIGHT, 'Zoes house', '{{user}} house'],
    ['plural s on a surname', STARLIGHT, 'the Starlings came', 'the {{user}} came'],
    ['plural s on the whole name', STARLIGHT, 'Zoë Starlings!', '{{user}}!'],
    ['plural s on a username', STARLIGHT, 'zoe_starlights', '{{user}}'],
    ['plural s, upper case', STARLIGHT, 'ZOËS', '{{user}}'],
    ['plural s as a small capital', STARLIGHT, 'Zoeꜱ here', '{{user}} here'],
    ['plural s on a three-letter name', ANN, 'Anns cat', '{{user}} cat'],
    ['straight possessive stays', STARLIGHT, "Zoë's cat", "{{user}}'s cat"],
    ['curly possessive stays', STARLIGHT, 'Zoë’s cat', '{{user}}’s cat'],
    ['plural s then a quote', STARLIGHT, "the Zoes' car", "the {{user}}' car"],
    // 6. a digit run glued to a name: an alt account
    ['one digit', STARLIGHT, 'zoe2 here', '{{user}} here'],
    ['two digits', STARLIGHT, 'Zoe99 here', '{{user}} here'],
    ['digits on a username', STARLIGHT, 'zoe_starlight2 is my alt', '{{user}} is my alt'],
    ['digits on a surname', STARLIGHT, 'Starling007', '{{user}}'],
    ['digits on the whole name', STARLIGHT, 'Zoe Starling42 wrote', '{{user}} wrote'],
    ['full-width digits', STARLIGHT, 'Zoe１２ here', '{{user}} here'],
    ['Arabic-Indic digits', STARLIGHT, 'Zoe٣ here', '{{user}} here'],
    ['digits on a short common name', WILL, 'Will1 said', '{{user}} said'],
    ['digits as a mention', STARLIGHT, 'hey @zoe2!', 'hey @{{user}}!'],
    // 7. Hangul fillers, blank or nothing on screen, inside a name
    ['Hangul filler inside each part', STARLIGHT, 'Zo\u3164e Star\u3164ling', '{{user}}'],
    ['Hangul choseong filler', STARLIGHT, 'Zo\u115Fe waves', '{{user}} waves'],
    ['Hangul jungseong filler', STARLIGHT, 'Zo\u1160e waves', '{{user}} waves'],
    ['half-width Hangul filler', STARLIGHT, 'Zo\uFFA0e waves', '{{user}} waves'],
    ['Hangul filler after a name', STARLIGHT, 'Zoe\u3164 waves', '{{user}} waves'],
    ['Hangul filler and a suffix', STARLIGHT, 'Zo\u3164e\u3164s house', '{{user}} house'],
  ] as const)('%s', (_label, identities, text, expected) => {
    const anonymized = createAnonymizer({ identities }).anonymizeText(text);
    expect(anonymized).toBe(expected);
    const kinds = findAuditFindings([chatOf(text)], { identities }).map((finding) => finding.kind);
    expect(kinds).toContain('identity');
    expect(findAuditFindings([chatOf(anonymized)], { identities })).toEqual([]);
  });
});

describe('a second review: what stays', () => {
  it.each([
    ['another letter after a name', STARLIGHT, 'Zoey and Zoes2 and Zoen'],
    ['a username with a letter glued on', STARLIGHT, 'zoe_starlightx'],
    ['a longer name that starts with a name', ANN, 'Annabelle and Annika'],
    ['a word that starts with a name', WILL, 'Willow and willing'],
    ['a Hangul filler inside another name', STARLIGHT, 'Zo\u3164ey'],
  ] as const)('%s', (_label, identities, text) => {
    expect(createAnonymizer({ identities }).anonymizeText(text)).toBe(text);
    expect(findAuditFindings([chatOf(text)], { identities })).toEqual([]);
  });

  it('keeps character names and redaction phrases to whole words', () => {
    const anonymizer = createAnonymizer({ identities: ANN, redactions: ['Biscuit'] });
    const text = 'Nova and Novas, Biscuit and Biscuits, Nova2 and Biscuit2';
    expect(anonymizer.anonymizeText(text, 'Nova')).toBe(
      '{{char}} and Novas, [REDACTED] and Biscuits, Nova2 and Biscuit2',
    );
    const findings = findAuditFindings([chatOf('Biscuits and Biscuit2')], {
      identities: ANN,
      redactions: ['Biscuit'],
    });
    expect(findings).toEqual([]);
  });
});

describe('tricky PII: the anonymizer replaces it and the audit finds it', () => {
  it.each([
    ['phone with en dashes', 'call 555–867–5309 now', 'call [PHONE] now'],
    ['phone with em dashes', 'call 555—867—5309 now', 'call [PHONE] now'],
    ['phone with slashes', 'call 555/867/5309 now', 'call [PHONE] now'],
    ['phone with an area code and a slash', 'ruf 030/12345678 an', 'ruf [PHONE] an'],
    ['full-width digits', 'call ５５５-０１４２-９９８', 'call [PHONE]'],
    ['Arabic-Indic digits', 'رقمي ٥٥٥٨٦٧٥٣٠٩', 'رقمي [PHONE]'],
    ['mathematical digits', '𝟓𝟓𝟓-𝟏𝟐𝟑-𝟒𝟓𝟔𝟕 ok', '[PHONE] ok'],
    ['no-break spaces in a phone', 'call 555\u00A0123\u00A04567', 'call [PHONE]'],
    ['full-width at sign', 'mail zoe＠mail.com', 'mail [EMAIL]'],
    ['spaced at sign', 'sparkle.kitty99 @ gmail.com', '[EMAIL]'],
    ['written-out at and dot', 'sparkle.kitty99 (at) gmail (dot) com', '[EMAIL]'],
    ['bracketed at and dot', 'name [at] host [dot] com!', '[EMAIL]!'],
    ['Discord tag', 'add sparkle#1234 on discord', 'add [REDACTED] on discord'],
    ['card with dots', 'card 4111.1111.1111.1111 ok', 'card [CARD] ok'],
    ['zero-padded IPv4', 'server 192.168.001.001 down', 'server [IP] down'],
  ])('%s', (_label, text, expected) => {
    const anonymized = createAnonymizer({ identities: [] }).anonymizeText(text);
    expect(anonymized).toBe(expected);
    const kinds = findAuditFindings([chatOf(text)], { identities: [] }).map((finding) => finding.kind);
    expect(kinds).toContain('pii');
    expect(findAuditFindings([chatOf(anonymized)], { identities: [] })).toEqual([]);
  });

  it.each([
    ['a rank', "I'm #1 fan"],
    ['a hashtag', 'so #blessed #2024'],
    ['a bare discriminator', 'room #1234'],
    ['a version string', 'update to v1.2.3.4 now'],
    ['prices', 'it costs $12.99 or 1.299,00 €'],
    ['times', 'at 12:30 or 12:30:45'],
    ['a slashed date', 'on 12/05/2024 or 2024/05/12'],
    ['fractions and ratios', '1/2 cup, 24/7, 16/9, 1920/1080'],
    ['dates with en dashes', 'from 2023–01–05'],
    ['a long decimal', 'pi is 3.14159265358979323'],
    ['a dotted date', 'on 12.05.2024'],
    ['full-width small numbers', 'I have ５ cats'],
    ['an at sign in a sentence', 'meet @ 5, I am @ home.'],
    ['the word at', 'look at this dot com thing'],
  ])('leaves %s', (_label, text) => {
    expect(createAnonymizer({ identities: [] }).anonymizeText(text)).toBe(text);
    expect(findAuditFindings([chatOf(text)], { identities: [] })).toEqual([]);
  });
});
