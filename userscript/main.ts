import '../shared/zod-without-eval.ts';
import { startPygbox } from './start-pygbox.ts';

// With `@grant none` the script runs in the page's own world at document-start, so `window` is the
// page's and the hook wraps the very fetch and XMLHttpRequest the site's code will call.
startPygbox(window);
