/**
 * A text as the PII patterns read it: every decimal digit of any script as its ASCII digit
 * (`５５５`, Arabic-Indic `٥٥٥`, mathematical `𝟓`), full-width ASCII forms as ASCII (`＠`, `．`,
 * `－`), the small `﹫` as `@` and every space as a plain space, with the way back to the original.
 * Those spellings hide a phone number or an email from patterns written for ASCII.
 *
 * Most texts hold none of these characters; for them the view is the text itself and costs one
 * scan. The PII patterns only build a view for texts their first, cheaper scan lets through.
 */
export interface PiiView {
  readonly text: string;
  /** Index in the original of folded unit `index` (`text.length` maps to the original's end). */
  source(index: number): number;
}

/**
 * Characters above U+009F, found one by one; which of them the view changes is remembered per code
 * point. Most chat texts are ASCII with the odd `’`, `…` or emoji: one scan without the `u` flag
 * settles them, where a Unicode-property class would be several times slower on every text.
 */
const ABOVE_LATIN1_CONTROLS = /[\u00a0-\uffff]/g;
const CHANGED = /^(?:\p{Nd}|\p{Zs}|[\uff01-\uff5e\ufe6b])$/u;
const changes = new Map<number, boolean>();
const DIGIT = /^\p{Nd}$/u;
const SPACE = /^\p{Zs}$/u;
/** Decimal digits come in runs of ten from zero (a Unicode stability guarantee), some runs adjacent. */
const MAX_DIGIT_RUN_WALK = 100;
const digitCache = new Map<number, string>();

export function piiView(text: string): PiiView {
  if (!needsFolding(text)) return new SameView(text);
  let folded = '';
  const sources: number[] = [];
  let at = 0;
  for (const ch of text) {
    const mapped = foldChar(ch);
    for (let unit = 0; unit < mapped.length; unit += 1) sources.push(at);
    folded += mapped;
    at += ch.length;
  }
  sources.push(at);
  return new MappedView(folded, sources);
}

function needsFolding(text: string): boolean {
  ABOVE_LATIN1_CONTROLS.lastIndex = 0;
  for (
    let found = ABOVE_LATIN1_CONTROLS.exec(text);
    found !== null;
    found = ABOVE_LATIN1_CONTROLS.exec(text)
  ) {
    const code = text.codePointAt(found.index) ?? 0;
    let changed = changes.get(code);
    if (changed === undefined) {
      changed = CHANGED.test(String.fromCodePoint(code));
      changes.set(code, changed);
    }
    if (changed) return true;
  }
  return false;
}

function foldChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x80) return ch;
  if ((code >= 0xff01 && code <= 0xff5e) || code === 0xfe6b) {
    return code === 0xfe6b ? '@' : String.fromCharCode(code - 0xfee0);
  }
  if (SPACE.test(ch)) return ' ';
  if (DIGIT.test(ch)) return asciiDigit(code);
  return ch;
}

/** The ASCII digit of a decimal digit: its distance from the zero that starts its run, modulo ten. */
function asciiDigit(code: number): string {
  let digit = digitCache.get(code);
  if (digit === undefined) {
    let start = code;
    while (code - start < MAX_DIGIT_RUN_WALK && DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
    digit = String((code - start) % 10);
    digitCache.set(code, digit);
  }
  return digit;
}

class SameView implements PiiView {
  constructor(readonly text: string) {}

  source(index: number): number {
    return index;
  }
}

class MappedView implements PiiView {
  constructor(
    readonly text: string,
    private readonly sources: readonly number[],
  ) {}

  source(index: number): number {
    return this.sources[index] ?? this.sources.at(-1) ?? 0;
  }
}
