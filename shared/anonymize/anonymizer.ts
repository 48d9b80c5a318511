import type { AnonCharacter, AnonChat, AnonMessage } from '../chat/anon-chat.ts';
import type { Chat, Identity } from '../chat/chat.ts';
import { ALL_PLACEHOLDERS, PLACEHOLDERS } from '../chat/placeholders.ts';
import { anonDay } from './anon-day.ts';
import { anonChatKey } from './chat-key.ts';
import { hasLetterSymbol, LETTER_SYMBOL_RUN } from './fold-text.ts';
import { foldedView } from './folded-view.ts';
import {
  foldedKey,
  identityTerms,
  type MatchTerm,
  phraseTerm,
  termKey,
  unsuffixedKeys,
} from './match-terms.ts';
import { scrubPii } from './pii-patterns.ts';
import { LEGACY_REDACTION_TOKENS } from './reserved-tokens.ts';
import { buildTermPattern } from './term-pattern.ts';
import { codePointAt, codePointBefore, isBlockingWordChar } from './word-boundary.ts';

/**
 * The anonymizer: turns a canonical Chat into an AnonChat. Every identity of the user becomes
 * `{{user}}` in every text (the user's own messages included), the chat's character name becomes
 * `{{char}}`, the user's extra phrases become `[REDACTED]`, PII patterns become their placeholders,
 * and ids, avatars, creator and author names and times finer than a day are dropped.
 *
 * Identities that are common words (a user called `Will`, `May` or `Hope`) are replaced everywhere,
 * "I will" included: privacy over fidelity, and the audit, which searches for every identity,
 * would fail the export otherwise.
 *
 * Each text goes through two passes: PII patterns first (so `zoe@mail.com` becomes `[EMAIL]`, not
 * `{{user}}@mail.com`), then names. Names are found in the folded text (folded-view.ts) by one
 * regex compiled once per identity list (term-pattern.ts), and replaced in the original; a chat's
 * character name is added to that regex, compiled once per distinct name.
 */

export interface AnonymizerOptions {
  /** Every identity of the user: all chats' identities, account-level ones, the user's own list. */
  identities: readonly Identity[];
  /** Extra words or phrases the user wants removed; they become `[REDACTED]`. */
  redactions?: readonly string[];
}

export interface Anonymizer {
  /** Distinct identities after folding (`Zoë`, `zoe` and `ZOE` count once); ignored values excluded. */
  readonly identityCount: number;
  anonymizeText(text: string, characterName?: string): string;
  anonymizeChat(chat: Chat): AnonChat;
}

/**
 * Placeholders are matched first (in folded text, so `{{User}}` too) and never re-matched inside;
 * then the old dumper's redaction tokens.
 */
const PROTECTED_SOURCE =
  '\\{\\{(?:user|char)\\}\\}|\\[(?:email|phone|url|ip|card|redacted)\\]|\\[(?:name_in_message|username|first_name|account_name|name|display_name|bot_creator_name)_redacted\\]|<user>';
const FOLDED_PLACEHOLDERS: ReadonlyMap<string, string | undefined> = new Map([
  [PLACEHOLDERS.user, PLACEHOLDERS.user],
  [PLACEHOLDERS.char, PLACEHOLDERS.char],
  ...ALL_PLACEHOLDERS.filter((placeholder) => !placeholder.startsWith('{')).map(
    (placeholder): [string, undefined] => [placeholder.toLowerCase(), undefined],
  ),
  ...[...LEGACY_REDACTION_TOKENS].map(([token, replacement]): [string, string] => [
    token.toLowerCase(),
    replacement,
  ]),
]);
const ANY_PLACEHOLDER = /\{\{(?:user|char)\}\}|\[(?:EMAIL|PHONE|URL|IP|CARD|REDACTED)\]/giu;
const HAS_PLACEHOLDER = /\{\{(?:user|char)\}\}|\[(?:EMAIL|PHONE|URL|IP|CARD|REDACTED)\]/iu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Distinct character names whose regex is kept; a store of thousands of bots should not grow it forever. */
const MAX_CACHED_CHARACTERS = 256;

interface CompiledNames {
  /** Runs on folded text. */
  readonly regex: RegExp;
  /** What replaces a folded match; undefined keeps the original text (a placeholder). */
  readonly replacementFor: (folded: string) => string | undefined;
  readonly keepHandle: (handle: string) => boolean;
}

export function createAnonymizer(options: AnonymizerOptions): Anonymizer {
  return new CompiledAnonymizer(options.identities, options.redactions ?? []);
}

class CompiledAnonymizer implements Anonymizer {
  readonly identityCount: number;
  private readonly userTerms: MatchTerm[] = [];
  private readonly redactionTerms: MatchTerm[] = [];
  private readonly userKeys = new Set<string>();
  private readonly redactionKeys = new Set<string>();
  private readonly base: CompiledNames;
  private readonly byCharacter = new Map<string, CompiledNames>();
  private readonly withExtraIdentities = new Map<string, CompiledAnonymizer>();

  constructor(
    private readonly identities: readonly Identity[],
    private readonly redactions: readonly string[],
  ) {
    const phraseKeys = new Set<string>();
    for (const identity of identities) {
      const terms = identityTerms(identity);
      if (terms[0] !== undefined) phraseKeys.add(terms[0].key);
      for (const term of terms) {
        if (this.userKeys.has(term.key)) continue;
        this.userKeys.add(term.key);
        this.userTerms.push(term);
      }
    }
    for (const phrase of redactions) {
      const term = phraseTerm(phrase);
      if (term === undefined || this.redactionKeys.has(term.key)) continue;
      this.redactionKeys.add(term.key);
      this.redactionTerms.push(term);
    }
    this.identityCount = phraseKeys.size;
    this.base = this.compile(undefined);
  }

  anonymizeText(text: string, characterName?: string): string {
    if (text === '') return text;
    const names = this.namesFor(characterName);
    const scrubbed = scrubPii(text, names.keepHandle);
    const replaced = replaceNames(scrubbed, names);
    // Names replaced next to digits or `@` can leave a new pattern (`@zoe` kept for the name pass);
    // a second PII pass, only when names changed something, makes the output a fixed point.
    return replaced === scrubbed ? replaced : scrubPii(replaced, names.keepHandle);
  }

  anonymizeChat(chat: Chat): AnonChat {
    const anonymizer = this.forIdentities(chat.identities);
    const characterName = chat.character.name;
    const text = (value: string): string => anonymizer.anonymizeText(value, characterName);
    const character: AnonCharacter = { name: anonymizer.anonymizeCharacterName(characterName) };
    const { title, description, greeting, definition } = chat.character;
    if (title !== undefined) character.title = text(title);
    if (description !== undefined) character.description = text(description);
    if (greeting !== undefined) character.greeting = text(greeting);
    if (definition !== undefined) character.definition = text(definition);
    const messages = chat.messages.map((message): AnonMessage => {
      const anonMessage: AnonMessage = {
        role: message.role,
        text: text(message.text),
        swipes: message.swipes.map(text),
      };
      const day = anonDay(message.createdAt);
      if (day !== undefined) anonMessage.day = day;
      return anonMessage;
    });
    const day = anonDay(chat.createdAt);
    return {
      key: anonChatKey(character.name, messages),
      source: chat.source,
      character,
      ...(day === undefined ? {} : { day }),
      messages,
    };
  }

  /**
   * The character's own name, kept, with the user's names in it replaced. A bot named like the user
   * (after folding) must not leak the user's name through this field: it becomes `[REDACTED]`.
   */
  private anonymizeCharacterName(name: string): string {
    const term = phraseTerm(name);
    if (term !== undefined && this.userKeys.has(term.key)) return PLACEHOLDERS.redacted;
    const anonymized = this.anonymizeText(name);
    if (anonymized !== name && !LETTER_OR_DIGIT.test(anonymized.replace(ANY_PLACEHOLDER, ''))) {
      return PLACEHOLDERS.redacted;
    }
    return anonymized;
  }

  /**
   * This anonymizer, or one that also knows identities the chat carries and the caller did not pass:
   * a caller's mistake must not become a leak.
   */
  private forIdentities(identities: readonly Identity[]): CompiledAnonymizer {
    const unknown = identities.filter((identity) =>
      identityTerms(identity).some((term) => !this.userKeys.has(term.key)),
    );
    if (unknown.length === 0) return this;
    const cacheKey = JSON.stringify(unknown.map((identity) => [identity.kind, identity.value]));
    let extended = this.withExtraIdentities.get(cacheKey);
    if (extended === undefined) {
      extended = new CompiledAnonymizer([...this.identities, ...unknown], this.redactions);
      this.withExtraIdentities.set(cacheKey, extended);
    }
    return extended;
  }

  private namesFor(characterName: string | undefined): CompiledNames {
    if (characterName === undefined || characterName === '') return this.base;
    const cached = this.byCharacter.get(characterName);
    if (cached !== undefined) return cached;
    const term = this.characterTerm(characterName);
    const compiled = term === undefined ? this.base : this.compile(term);
    if (this.byCharacter.size >= MAX_CACHED_CHARACTERS) this.byCharacter.clear();
    this.byCharacter.set(characterName, compiled);
    return compiled;
  }

  /** The term for `{{char}}`, unless the name is the user's (the user wins) or already anonymized. */
  private characterTerm(name: string): MatchTerm | undefined {
    if (HAS_PLACEHOLDER.test(name)) return undefined;
    const term = phraseTerm(name);
    return term === undefined || this.userKeys.has(term.key) ? undefined : term;
  }

  private compile(characterTerm: MatchTerm | undefined): CompiledNames {
    const terms =
      characterTerm === undefined
        ? [...this.userTerms, ...this.redactionTerms]
        : [...this.userTerms, ...this.redactionTerms, characterTerm];
    const termSource = buildTermPattern(terms);
    const source = termSource === undefined ? PROTECTED_SOURCE : `${PROTECTED_SOURCE}|${termSource}`;
    const characterKey = characterTerm?.key;
    const { userKeys, redactionKeys } = this;
    const isSuffixedUserKey = (key: string): boolean =>
      unsuffixedKeys(key).some((stem) => userKeys.has(stem));
    return {
      regex: new RegExp(source, 'gv'),
      replacementFor: (folded) => {
        if (FOLDED_PLACEHOLDERS.has(folded)) return FOLDED_PLACEHOLDERS.get(folded);
        const key = foldedKey(folded);
        if (userKeys.has(key)) return PLACEHOLDERS.user;
        if (redactionKeys.has(key)) return PLACEHOLDERS.redacted;
        if (key === characterKey) return PLACEHOLDERS.char;
        // Otherwise the match is one of the user's traces with a suffix (`zoes`, `zoe2`), the
        // only other thing the regex matches; and were the regex and the keys ever to disagree,
        // the safe side would be the user's name anyway.
        return PLACEHOLDERS.user;
      },
      keepHandle: (handle) => {
        const key = termKey(handle);
        // `@zoe2` is left for the name pass like `@zoe`, which makes it `@{{user}}`.
        return userKeys.has(key) || key === characterKey || isSuffixedUserKey(key);
      },
    };
  }
}

/**
 * Letter emoji fold to letters (`🇿🇴🇪` is `zoe`), which glues a name to a flag next to it (`Ann🇫🇷`
 * folds to `annfr`): texts that hold them get a second pass with those symbols as word breaks.
 */
function replaceNames(text: string, names: CompiledNames): string {
  const replaced = replaceFoldedNames(text, names);
  if (!hasLetterSymbol(replaced)) return replaced;
  let out = '';
  let copied = 0;
  for (const match of replaced.matchAll(LETTER_SYMBOL_RUN)) {
    out += replaceFoldedNames(replaced.slice(copied, match.index), names) + match[0];
    copied = match.index + match[0].length;
  }
  return out + replaceFoldedNames(replaced.slice(copied), names);
}

/**
 * Finds names in the folded text and replaces them in the original: a match's folded offsets are
 * traced back to the code points they came from (ASCII text folds one to one and needs no table).
 * A match ends where the next folded character begins, so marks and invisible characters right
 * after a name go with it.
 */
function replaceFoldedNames(text: string, names: CompiledNames): string {
  if (text === '') return text;
  const view = foldedView(text);
  const { folded } = view;
  const { regex } = names;
  regex.lastIndex = 0;
  let match = regex.exec(folded);
  let out = '';
  let copied = 0;
  while (match !== null) {
    const start = match.index;
    const found = match[0];
    const first = codePointAt(folded, start);
    if (isBlockingWordChar(first) && isBlockingWordChar(codePointBefore(folded, start))) {
      // Inside a longer word: any shorter name starting here is inside it too; try the next position.
      regex.lastIndex = start + first.length;
    } else {
      const replacement = names.replacementFor(found);
      const from = view.sourceStart(start);
      if (replacement !== undefined && from >= copied) {
        out += text.slice(copied, from) + replacement;
        copied = view.sourceEnd(start + found.length);
      }
    }
    match = regex.exec(folded);
  }
  return copied === 0 ? text : out + text.slice(copied);
}
