import { describe, expect, it } from 'vitest';
import { formatIssuePath } from '../../../shared/errors/zod-issue-path.ts';

describe('formatIssuePath', () => {
  it.each([
    [['messages', 3, 'text'], 'messages[3].text'],
    [['character'], 'character'],
    [[0, 'key'], '[0].key'],
    [[], ''],
  ] as const)('formats %j as %j', (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });
});
