import http from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly failures: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstFailure?: string;
}

export interface HttpTarget {
  readonly port: number;
  readonly headers: Record<string, string>;
  /** `false`: a connection of its own per request (tests), instead of the shared keep-alive pool. */
  readonly agent?: false;
}

export interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** Status codes that count as success. */
  readonly ok?: readonly number[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request. A kept-alive connection the server closed for idleness just as it was reused fails with
 * ECONNRESET before the request reached the server (Node's documented race); such a request is sent again,
 * once, on a new connection: bench:sync (c) once died so, its clients' connections idle since (a).
 */
export async function send(target: HttpTarget, spec: RequestSpec): Promise<{ status: number; body: string }> {
  try {
    return await sendOnce(target, spec);
  } catch (error) {
    if (!(error instanceof StaleConnection)) throw error;
    return sendOnce(target, spec);
  }
}

class StaleConnection extends Error {}

function sendOnce(target: HttpTarget, spec: RequestSpec): Promise<{ status: number; body: string }> {
  const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: spec.method,
        path: spec.path,
        agent: target.agent ?? agent,
        headers: {
          ...target.headers,
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        request.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection(error.message) : error,
      ),
    );
    if (payload) request.write(payload);
    request.end();
  });
}

/** Runs `total` requests from `concurrency` clients in parallel; `next(i)` describes request i. */
export async function runLoad(
  target: HttpTarget,
  total: number,
  concurrency: number,
  next: (index: number) => RequestSpec,
): Promise<LoadResult> {
  const latencies = new Float64Array(total);
  let issued = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = process.hrtime.bigint();
  const client = async (): Promise<void> => {
    while (issued < total) {
      const index = issued++;
      const spec = next(index);
      const t0 = process.hrtime.bigint();
      const response = await send(target, spec);
      latencies[index] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!(spec.ok ?? [200, 201]).includes(response.status)) {
        failures++;
        firstFailure ??= `${spec.method} ${spec.path} -> ${response.status} ${response.body.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    requests: total,
    failures,
    seconds,
    perSecond: total / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    firstFailure,
  };
}

export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

export function formatLoad(label: string, result: LoadResult): string {
  const failed = result.failures > 0 ? `  FAILURES ${result.failures} (first: ${result.firstFailure})` : '';
  return (
    `${label.padEnd(44)} ${result.requests.toString().padStart(7)} req  ${result.perSecond.toFixed(0).padStart(6)} req/s` +
    `  p50 ${result.p50Ms.toFixed(2).padStart(7)} ms  p99 ${result.p99Ms.toFixed(2).padStart(7)} ms${failed}`
  );
}
