import type { z } from 'zod';
import { formatIssuePath } from '../../../shared/errors/zod-issue-path.ts';

/** The first failing field of a schema error and what was expected; never the value found. */
export function describeZodProblem(what: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return `not ${what}`;
  const path = formatIssuePath(issue.path);
  const expected =
    'expected' in issue && typeof issue.expected === 'string' ? `expected ${issue.expected}` : issue.code;
  return `not ${what}: ${path === '' ? 'the line' : `field \`${path}\``}: ${expected}`;
}
