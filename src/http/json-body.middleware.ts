import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { badRequest, DomainError } from '../core/errors/domain-error';

/** Largest request body accepted (1 MiB); larger bodies get 413 before they are read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Deepest JSON nesting accepted in a body. Identity objects are shallow; the patch, schema and jsonb code below
 * walks documents recursively and a body of a few thousand nested arrays (well under 1 MiB) would overflow its
 * stack (measured: a 2,000-deep patch value gave a 500). CREST caps query filter nesting at 256 the same way.
 */
export const MAX_JSON_DEPTH = 256;

const JSON_TYPES = ['application/json', 'application/*+json', 'application/json-patch+json'];

/**
 * Reads JSON request bodies with a size limit. A body in another media type gets 415; broken JSON 400.
 * Runs as Nest middleware (not raw Express) so that its errors reach CrestExceptionFilter.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse = express.json({ limit: MAX_BODY_BYTES, type: JSON_TYPES, strict: false });

  use(req: Request, res: Response, next: NextFunction): void {
    if (hasBody(req) && !req.is(JSON_TYPES)) {
      const type = req.headers['content-type'] ?? '(none)';
      next(
        new DomainError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Unsupported Content-Type '${type}'; send application/json`,
          {
            accepted: JSON_TYPES,
          },
        ),
      );
      return;
    }
    this.parse(req, res, (error?: unknown) => {
      const problem = error === undefined ? bodyProblem(req.body, MAX_JSON_DEPTH) : undefined;
      next(problem === undefined ? error : badRequest(problem));
    });
  }
}

/** A lone UTF-16 surrogate: valid in JSON text (`"\ud800"`), refused by PostgreSQL's jsonb (a 500 if it got there). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What makes a parsed body unusable although it is valid JSON: nesting deeper than `limit`, or a string (value
 * or key) that is not valid Unicode. Walks without recursion, so the check cannot overflow the stack it protects.
 */
function bodyProblem(value: unknown, limit: number): string | undefined {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [current, depth] = item;
    if (typeof current === 'string' && LONE_SURROGATE.test(current)) {
      return 'Request body contains a string that is not valid Unicode (a lone surrogate)';
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return `Request body is nested deeper than ${limit} levels`;
    for (const [key, child] of Object.entries(current)) pending.push([key, depth], [child, depth + 1]);
  }
  return undefined;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}
