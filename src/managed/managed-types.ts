import { notFound } from '../core/errors/domain-error';
import type { ManagedTypeSchema } from '../core/managed/managed-schema';

/** The managed object types declared in managed.json, by name (`user`, `role`, ...). */
export class ManagedTypes {
  private readonly byName: ReadonlyMap<string, ManagedTypeSchema>;

  constructor(schemas: readonly ManagedTypeSchema[]) {
    this.byName = new Map(schemas.map((schema) => [schema.name, schema]));
  }

  get(name: string): ManagedTypeSchema {
    const schema = this.byName.get(name);
    if (!schema) throw notFound(`Managed object type '${name}' is not defined in managed.json`);
    return schema;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  all(): ManagedTypeSchema[] {
    return [...this.byName.values()];
  }
}
