import type { z } from 'zod';
import type { CaptureRecord } from '../capture/capture-record.ts';
import type { CaptureProblemKind } from './adapted-captures.ts';
import type { CaptureYield } from './capture-yield.ts';
import { schemaIssuePlace } from './schema-issue-place.ts';

/** Why an adapter gave nothing for a record whose body did parse (e.g. a query parameter missing). */
export interface AdapterRefusal {
  refused: true;
  kind: CaptureProblemKind;
  message: string;
}

export type AdaptOutcome =
  | { ok: true; yield: CaptureYield }
  | { ok: false; kind: CaptureProblemKind; message: string };

/** Reads the body of one endpoint's response. One adapter per endpoint shape. */
export interface CaiAdapter {
  /** Human name of the endpoint, used in problem messages. */
  readonly name: string;
  adapt(record: CaptureRecord, url: URL): AdaptOutcome;
}

/**
 * An adapter from the schema of the fields it reads and a reader of the parsed body. A body that
 * fails the schema is reported as 'unknown-shape' naming the first failing field, never guessed at.
 */
export function defineAdapter<T>(
  name: string,
  schema: z.ZodType<T>,
  read: (body: T, url: URL, record: CaptureRecord) => CaptureYield | AdapterRefusal,
): CaiAdapter {
  return {
    name,
    adapt(record, url) {
      const parsed = schema.safeParse(record.body);
      if (!parsed.success) {
        const { field, code } = schemaIssuePlace(parsed.error);
        return {
          ok: false,
          kind: 'unknown-shape',
          message: `${name}: the response does not have the expected shape at ${field} (${code}); the site may have changed this endpoint`,
        };
      }
      const result = read(parsed.data, url, record);
      if ('refused' in result) return { ok: false, kind: result.kind, message: result.message };
      return { ok: true, yield: result };
    },
  };
}
