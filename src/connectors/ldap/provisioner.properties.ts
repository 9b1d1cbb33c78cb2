/**
 * `&{name|default}` property substitution as in OpenIDM's config files (e.g. `"port": "&{openidm.ldap.port|1389}"`).
 * The property names are looked up in `properties` (the boot code passes environment-derived properties); a missing
 * property without a default is an error naming the JSON path. Strings that are exactly one reference keep the
 * substituted value as a string; the schema coerces numbers and booleans.
 */
import { DomainError } from '../../core/errors/domain-error';

const REFERENCE = /&\{([^}|]+)(?:\|([^}]*))?\}/g;

export function substituteProperties(
  value: unknown,
  properties: Readonly<Record<string, string | undefined>>,
  path = '',
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const resolved = properties[name.trim()] ?? fallback;
      if (resolved === undefined) {
        throw new DomainError('CONFIG_INVALID', `${path || '/'}: property "${name.trim()}" is not set and has no default`);
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteProperties(item, properties, `${path}/${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteProperties(item, properties, `${path}/${key}`)]),
    );
  }
  return value;
}
