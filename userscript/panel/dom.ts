/**
 * Builds panel elements from DOM calls only. Text always goes in through `textContent`, never
 * `innerHTML`: chat texts, names and error messages are site data and must never become markup.
 */
export interface ElementProps {
  className?: string;
  text?: string;
  /** `data-pygbox` attribute: a stable name for tests and styles. */
  name?: string;
  attributes?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  document: Document,
  tag: K,
  props: ElementProps = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.name !== undefined) element.dataset.pygbox = props.name;
  for (const [key, value] of Object.entries(props.attributes ?? {})) element.setAttribute(key, value);
  element.append(...children);
  return element;
}

export function button(
  document: Document,
  text: string,
  name: string,
  onClick: () => void,
): HTMLButtonElement {
  const element = h(document, 'button', { text, name, attributes: { type: 'button' } });
  element.addEventListener('click', onClick);
  return element;
}

/** Replaces an element's children with plain text lines. */
export function setLines(element: HTMLElement, lines: readonly string[]): void {
  element.replaceChildren(...lines.map((line) => h(element.ownerDocument, 'div', { text: line })));
}
