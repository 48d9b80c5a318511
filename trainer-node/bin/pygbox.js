#!/usr/bin/env node
// The npm bin. The CLI is TypeScript run through tsx's loader, so there is no build step to forget
// and no stale output to run by mistake.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
