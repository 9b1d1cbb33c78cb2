import { inspect } from 'node:util';

/**
 * A credential that cannot leak by accident: JSON.stringify, string conversion and util.inspect (which pino and
 * console use) all print `***`; only `reveal()` gives the value, at the single place that binds.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '***';
  }

  toString(): string {
    return '***';
  }

  [inspect.custom](): string {
    return 'Secret(***)';
  }
}
