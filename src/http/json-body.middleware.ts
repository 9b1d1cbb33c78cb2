import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { DomainError } from '../core/errors/domain-error';

/** Largest request body accepted (1 MiB); larger bodies get 413 before they are read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;

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
    this.parse(req, res, next);
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}
