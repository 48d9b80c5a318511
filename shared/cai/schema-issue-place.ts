import type { z } from 'zod';
import { formatIssuePath } from '../errors/zod-issue-path.ts';

/**
 * Where a body failed its schema, as a field path like `turns[0].candidates[1].candidate_id` plus
 * the issue code. Only schema field names and indices appear: zod messages can quote received
 * values, which may be user text, so they are never used.
 */
export function schemaIssuePlace(error: z.ZodError): { field: string; code: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: '(body)', code: 'invalid' };
  return { field: formatIssuePath(issue.path) || '(body)', code: issue.code };
}
