import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { crestBody, reasonOf } from './crest-error';

/**
 * Node's HTTP parser rejects some requests before Express sees them (a URL or headers over its 16 KiB limit,
 * a malformed request line) and by default answers with an empty body. This listener gives them the same
 * statuses Node would, with the CREST error body, so that clients get `{code, reason, message}` for every error.
 */
export function answerClientErrorsInCrest(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = statusOf(error.code);
    const body = JSON.stringify(crestBody(status, messageOf(status)));
    socket.end(
      `HTTP/1.1 ${status} ${reasonOf(status)}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}

function statusOf(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

function messageOf(status: number): string {
  if (status === 431) return 'Request URL or headers are larger than the server accepts (16 KiB)';
  if (status === 408) return 'Request was not received in time';
  return 'Malformed HTTP request';
}
