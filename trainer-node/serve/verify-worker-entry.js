// Worker threads start without the TypeScript loader the CLI registered on the main thread:
// register it here, then run the worker's TypeScript (the same way trainer-node/bin/pygbox.js does).
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker.ts');
