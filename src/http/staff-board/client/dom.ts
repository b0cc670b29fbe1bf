/**
 * Building the DOM. Every string from the server goes in through a text node, a property or an
 * attribute, never through innerHTML: the page's CSP requires Trusted Types and allows no policy,
 * so an HTML sink would throw.
 */

/** The page's static element with this id, of this type: a missing one is a bug in page and script. */
export function elementById<T extends HTMLElement>(id: string, type: { prototype: T; new (): T }): T {
  const node = document.getElementById(id)
  if (node instanceof type) return node
  throw new Error(`The page has no ${type.name} #${id}.`)
}

export const byId = (id: string): HTMLElement => elementById(id, HTMLElement)

type Child = Node | string | number | null | undefined | false

/** Properties of the element, plus data-* (dataset) and the attributes that have no plain property. */
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'dataset' | 'role'>> & {
  dataset?: Record<string, string>
  role?: string
  [aria: `aria-${string}`]: string | boolean | undefined
}

/** el('p', { className: 'meta' }, 'text', child): properties are set, children appended as text or nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props<K> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(props || {})) {
    if (name === 'dataset') Object.assign(node.dataset, value)
    else if (name === 'role' || name.startsWith('aria-')) node.setAttribute(name, String(value))
    else Reflect.set(node, name, value)
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

/** The text typed into the input an event came from. */
export function typedValue(event: Event): string {
  return event.target instanceof HTMLInputElement ? event.target.value : ''
}
