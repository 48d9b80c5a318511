/**
 * The one error type every layer throws. It carries what went wrong, where (file, line, field),
 * and a hint that tells the user how to fix it. Messages never quote user content: a line that
 * failed to parse may hold a name, so errors point at places, never at text.
 */
export type PygboxErrorCode =
  | 'capture-unreadable'
  | 'capture-invalid'
  | 'cai-unknown-shape'
  | 'cai-neo-error'
  | 'cai-html-error'
  | 'cai-http-error'
  | 'audit-failed'
  | 'zip-invalid'
  | 'store-quota'
  | 'store-failed'
  | 'input-unreadable'
  | 'output-failed'
  | 'dump-failed'
  | 'dump-cancelled'
  | 'hook-failed'
  | 'message-invalid'
  | 'upload-refused'
  | 'upload-failed'
  | 'server-refused'
  | 'dataset-invalid'
  | 'tokenizer-invalid'
  | 'worker-failed'
  | 'usage';

export interface ErrorPlace {
  /** A file name or other source the user can find. */
  file?: string;
  /** 1-based line number inside `file`. */
  line?: number;
  /** A dotted path to the field, e.g. `messages[3].text`. */
  field?: string;
}

export class PygboxError extends Error {
  override readonly name = 'PygboxError';
  readonly code: PygboxErrorCode;
  readonly hint: string | undefined;
  readonly place: ErrorPlace;

  constructor(
    code: PygboxErrorCode,
    message: string,
    options: { hint?: string; place?: ErrorPlace; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.place = options.place ?? {};
  }

  /** `file:line (field): message. hint` — the form the CLI and the panels print. */
  describe(): string {
    const { file, line, field } = this.place;
    const where = [file === undefined ? undefined : line === undefined ? file : `${file}:${line}`, field]
      .filter((part) => part !== undefined)
      .join(' ');
    const head = where === '' ? this.message : `${where}: ${this.message}`;
    return this.hint === undefined ? head : `${head}\n  hint: ${this.hint}`;
  }
}
