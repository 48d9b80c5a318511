import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/** The dtypes transformers.js names (its file suffixes), in the order the worker builds them. */
export const EXPORT_DTYPES = ['fp32', 'q8', 'q4', 'q4f16'] as const;
export type ExportDtype = (typeof EXPORT_DTYPES)[number];

export function parseDtypeList(text: string): ExportDtype[] {
  const wanted = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const known = new Set<string>(EXPORT_DTYPES);
  const unknown = wanted.find((part) => !known.has(part));
  if (unknown !== undefined || wanted.length === 0) {
    throw new PygboxError(
      'usage',
      `invalid --dtype: ${unknown === undefined ? 'empty list' : `unknown dtype "${unknown}"`}`,
      {
        hint: `a comma-separated list of ${EXPORT_DTYPES.join(', ')}`,
      },
    );
  }
  return EXPORT_DTYPES.filter((dtype) => wanted.includes(dtype));
}
