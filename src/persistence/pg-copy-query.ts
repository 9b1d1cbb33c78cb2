import type { Connection, Submittable } from 'pg';

/** Message codes of PostgreSQL's protocol that a COPY TO STDOUT meets (protocol-message-formats). */
const COPY_DATA = 0x64; // 'd'
const COPY_OUT_RESPONSE = 0x48; // 'H'
const NOTICE = 0x4e; // 'N'
const PARAMETER_STATUS = 0x53; // 'S'
const NOTIFICATION = 0x41; // 'A'
const HEADER = 5;
/** Bytes waiting for the reader past which the socket is paused. */
const HIGH_WATER = 1 << 20;

type DataListener = (chunk: Buffer) => void;

/**
 * `COPY … TO STDOUT` as a pg query whose output is the bytes of its rows alone: the chunks the socket delivers,
 * each with the protocol's framing (a 5-byte header before every row) taken out in place. pg-copy-streams made a
 * Buffer of every row and then copied them all into a new chunk: at 100k rows, a tenth of a recon's link
 * prefetch. A row may be cut between two chunks, as in any stream of COPY text (copy-text-rows.ts joins it).
 *
 * Like pg-copy-streams, it reads the connection's socket itself from the moment the query is sent, and hands
 * pg back the socket, with the bytes after the copy's data, at the first message that is not part of it
 * (CopyDone, or an ErrorResponse): pg then completes or fails the query as it would any other.
 */
export class CopyOutQuery implements Submittable {
  private connection: Connection | null = null;
  private pgListener: DataListener | null = null;
  private readonly ready: Buffer[] = [];
  private readyBytes = 0;
  private finished = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private paused = false;
  // The message being read: its code, the header bytes so far when a chunk cut it, what is left of its body.
  private code = 0;
  private readonly header = Buffer.alloc(HEADER);
  private headerBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly text: string) {}

  /** Sends the query; an error returned here is pg's cue to fail it (handleError) without sending anything. */
  submit(connection: Connection): Error | undefined {
    const stream = connection.stream;
    const listeners = stream.listeners('data') as DataListener[];
    if (listeners.length !== 1) return new Error('COPY TO STDOUT needs the connection socket to itself');
    this.connection = connection;
    this.pgListener = listeners[0] as DataListener;
    stream.removeListener('data', this.pgListener);
    stream.on('data', this.onData);
    connection.query(this.text);
    return undefined;
  }

  /** The rows' bytes, chunk by chunk, until the COPY ends; rejects with the server's error if it fails. */
  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.ready.shift();
      if (chunk !== undefined) {
        this.readyBytes -= chunk.length;
        if (this.paused && this.readyBytes < HIGH_WATER / 2) {
          this.paused = false;
          this.connection?.stream.resume();
        }
        yield chunk;
        continue;
      }
      if (this.failure !== null) throw this.failure;
      if (this.finished) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  // pg calls these once the socket is its own again.
  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.finished = true;
    this.notify();
  }

  handleError(error: Error): void {
    this.failure = error;
    this.notify();
  }

  handleEmptyQuery(): void {}

  private readonly onData = (chunk: Buffer): void => {
    let at = 0;
    // Rows are moved to the front of the chunk as their headers are skipped: the chunk is this reader's alone.
    let kept = 0;
    while (at < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        if (this.code === COPY_DATA) {
          if (kept !== at) chunk.copyWithin(kept, at, at + take);
          kept += take;
        }
        at += take;
        this.bodyLeft -= take;
        continue;
      }
      const start = at;
      while (this.headerBytes < HEADER && at < chunk.length)
        this.header[this.headerBytes++] = chunk[at++] as number;
      if (this.headerBytes < HEADER) break;
      this.headerBytes = 0;
      this.code = this.header[0] as number;
      if (!isPartOfCopy(this.code)) {
        this.keep(chunk, kept);
        // The header read from this chunk is still in it; one cut by the last chunk is put back before it.
        const cut = HEADER - (at - start);
        const rest = chunk.subarray(start);
        this.giveBack(cut === 0 ? rest : Buffer.concat([this.header.subarray(0, cut), rest]));
        return;
      }
      this.bodyLeft = this.header.readUInt32BE(1) - 4;
    }
    this.keep(chunk, kept);
  };

  private keep(chunk: Buffer, length: number): void {
    if (length === 0) return;
    this.ready.push(chunk.subarray(0, length));
    this.readyBytes += length;
    if (!this.paused && this.readyBytes > HIGH_WATER) {
      this.paused = true;
      this.connection?.stream.pause();
    }
    this.notify();
  }

  /** The socket back to pg, starting with the message that ended the copy. */
  private giveBack(rest: Buffer): void {
    const stream = this.connection?.stream;
    const pgListener = this.pgListener;
    if (stream === undefined || pgListener === null) return;
    stream.removeListener('data', this.onData);
    stream.on('data', pgListener);
    if (this.paused) {
      this.paused = false;
      stream.resume();
    }
    pgListener(rest);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** The messages a COPY TO STDOUT sends before and between its rows; any other ends it (CopyDone, an error). */
function isPartOfCopy(code: number): boolean {
  return (
    code === COPY_DATA ||
    code === COPY_OUT_RESPONSE ||
    code === NOTICE ||
    code === PARAMETER_STATUS ||
    code === NOTIFICATION
  );
}
