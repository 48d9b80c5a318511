import { z } from 'zod';

/**
 * Imported first by every browser entry point (the userscript's and each of the extension's).
 * zod compiles fast object parsers with `new Function` when it may; it first tries whether it may,
 * and under a CSP that forbids eval (the extension's own, and character.ai's in the page world)
 * that try is a CSP violation: logged on the extension's error page, and in the page world possibly
 * reported to the site. Turning the compiler off means nothing ever tries. Schemas are built when
 * their modules load, so this must be the first import.
 */
z.config({ jitless: true });
