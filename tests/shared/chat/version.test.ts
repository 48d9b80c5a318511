import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PYGBOX_VERSION } from '../../../shared/version.ts';

describe('PYGBOX_VERSION', () => {
  it('matches package.json so manifests name the version that wrote them', () => {
    const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync('package.json', 'utf8')));
    expect(PYGBOX_VERSION).toBe(pkg.version);
  });
});
