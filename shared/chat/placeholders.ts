/** The fixed placeholder vocabulary of the design. Nothing else is ever written in place of data. */
export const PLACEHOLDERS = {
  user: '{{user}}',
  char: '{{char}}',
  email: '[EMAIL]',
  phone: '[PHONE]',
  url: '[URL]',
  ip: '[IP]',
  card: '[CARD]',
  redacted: '[REDACTED]',
} as const;

export type Placeholder = (typeof PLACEHOLDERS)[keyof typeof PLACEHOLDERS];

export const ALL_PLACEHOLDERS: readonly Placeholder[] = Object.values(PLACEHOLDERS);
