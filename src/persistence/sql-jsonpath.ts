import { badRequest } from '../core/errors/domain-error';

/**
 * A SQL/JSON path string literal: `"` and `\` escaped, control characters as `\uXXXX`. PostgreSQL cannot
 * hold NUL in text or jsonb, so a NUL can never match and is refused instead of failing inside the database.
 */
export function jsonPathString(text: string): string {
  if (text.includes('\u0000')) {
    throw badRequest('Query filters and sort keys cannot contain NUL characters', { value: text });
  }
  const escaped = [...text]
    .map((char) => {
      if (char === '\\' || char === '"') return `\\${char}`;
      const code = char.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : char;
    })
    .join('');
  return `"${escaped}"`;
}

/**
 * `$."a"."b"` for the pointer `/a/b`. Every key is quoted, so pointer tokens such as `a b`, `$`, `*` or
 * `"` stay member names and never become path syntax.
 */
export function jsonPathOf(mode: 'lax' | 'strict', field: readonly string[]): string {
  return `${mode} $${field.map((key) => `.${jsonPathString(key)}`).join('')}`;
}
