interface Node {
  readonly next: Map<string, Node>;
  text?: string;
}

/**
 * Statement texts composed from other statements' texts (a write and its follower as one WITH statement, a
 * batch of closing statements), remembered by the sequence of their parts. The parts are constants of the
 * code, so the same few sequences come back on every request; without this each request built its ~2 KB text
 * anew (placeholders renumbered by regular expression) and the prepared-statement lookup hashed it again.
 * A part's text fixes its number of parameters, so the sequence fixes every renumbering in the composed text.
 */
export class ComposedTexts {
  private root: Node = { next: new Map() };
  private remembered = 0;

  /** `limit`: distinct sequences kept; past it everything is forgotten and remembered afresh. */
  constructor(private readonly limit = 512) {}

  /** The text composed from `parts`, made by `compose` the first time this sequence is seen. */
  text(parts: readonly string[], compose: () => string): string {
    let node = this.root;
    for (const part of parts) {
      let next = node.next.get(part);
      if (next === undefined) {
        next = { next: new Map() };
        node.next.set(part, next);
      }
      node = next;
    }
    if (node.text !== undefined) return node.text;
    const text = compose();
    if (this.remembered >= this.limit) {
      this.root = { next: new Map() };
      this.remembered = 0;
      return text;
    }
    node.text = text;
    this.remembered += 1;
    return text;
  }
}
