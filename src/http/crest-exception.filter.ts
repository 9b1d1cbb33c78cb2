import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../core/errors/domain-error';
import { crestBody, statusOf, type CrestErrorBody } from './crest-error';

/** Errors that body-parser attaches a `type` to; each is the client's fault, never a 500. */
const BODY_PARSER_ERRORS: Record<string, { status: number; message: string }> = {
  'entity.too.large': { status: 413, message: 'Request body is larger than the 1 MiB limit' },
  'entity.parse.failed': { status: 400, message: 'Request body is not valid JSON' },
  'encoding.unsupported': { status: 415, message: 'Unsupported request body encoding' },
  'charset.unsupported': { status: 415, message: 'Unsupported request body charset' },
  'request.aborted': { status: 400, message: 'Request body was aborted' },
  'request.size.invalid': { status: 400, message: 'Request body size does not match Content-Length' },
};

/** Turns anything thrown while serving a request into the CREST body; unknown errors become an opaque, logged 500. */
@Catch()
export class CrestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('CrestExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const body = this.toBody(error, request);
    if (response.headersSent) return;
    response.status(body.code).json(body);
  }

  private toBody(error: unknown, request: Request): CrestErrorBody {
    if (error instanceof DomainError) return crestBody(statusOf(error.code), error.message, error.detail);
    const parserError = bodyParserError(error);
    if (parserError) return crestBody(parserError.status, parserError.message);
    if (error instanceof HttpException) return fromHttpException(error, request);
    // pino-http sets `req.id` to the vetted request id (the caller's X-Request-Id only when well-formed).
    const requestId = typeof request.id === 'string' ? request.id : '';
    this.logger.error(
      { err: error, requestId, method: request.method, url: request.url },
      'Unexpected error',
    );
    return crestBody(500, `Internal server error (request id ${requestId || 'unknown'})`);
  }
}

function bodyParserError(error: unknown): { status: number; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const type = 'type' in error ? error.type : undefined;
  const known = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
  if (known) return known;
  // body-parser reports some client faults (a gzip body that does not inflate) as http-errors without
  // a type: a 4xx `status` with `expose: true`.
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    return { status, message: 'Request body could not be read' };
  }
  return undefined;
}

function fromHttpException(error: HttpException, request: Request): CrestErrorBody {
  const status = error.getStatus();
  if (status === 404) return crestBody(404, `Resource '${request.path}' not found`);
  const response = error.getResponse();
  const message =
    typeof response === 'string'
      ? response
      : typeof response === 'object' && response !== null && 'message' in response
        ? String(response.message)
        : error.message;
  return crestBody(status, message);
}
