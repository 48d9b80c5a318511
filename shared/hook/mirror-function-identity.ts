/**
 * Gives a wrapper the name, arity and source text of the function it replaces. Sites and their
 * libraries test `fetch.toString()` for `[native code]` (error trackers, bot checks) and some take a
 * different, slower or stricter path when it is missing; with the mirror the page sees the same
 * function face as without Pygbox. `Function.prototype.toString.call` still tells them apart, which
 * is fine: nothing here hides from a debugger, it only keeps the page's own checks unchanged.
 */
export function mirrorFunctionIdentity(wrapper: object, original: object): void {
  try {
    mirror(wrapper, original);
  } catch {
    // Cosmetic only: an original whose source cannot be read (a revoked proxy) keeps the hook working.
  }
}

function mirror(wrapper: object, original: object): void {
  const source = Function.prototype.toString.call(original);
  const copy = (key: 'name' | 'length') => {
    const descriptor = Object.getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined) Object.defineProperty(wrapper, key, descriptor);
  };
  copy('name');
  copy('length');
  // A method, so the mirror's own name reads 'toString' too.
  const face = {
    toString() {
      return source;
    },
  };
  Object.defineProperty(wrapper, 'toString', {
    value: face.toString,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
