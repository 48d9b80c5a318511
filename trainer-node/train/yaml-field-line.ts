import { type Document, isMap, isNode, isScalar, isSeq, type LineCounter } from 'yaml';

/**
 * The 1-based line of a field in a parsed YAML document, for errors that point into the user's
 * file: the line of the field's key. A field that is missing gives the line of the deepest key that
 * exists on its path (the section where it belongs), or line 1.
 */
export function yamlFieldLine(
  document: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
): number {
  let node: unknown = document.contents;
  let offset = 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (pair === undefined) break;
      offset = startOf(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item: unknown = node.items[part];
      if (item === undefined) break;
      offset = startOf(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return lineCounter.linePos(offset).line;
}

/** Where a node's text starts; undefined for a key with no value (`key:` alone), which has none. */
function startOf(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}
