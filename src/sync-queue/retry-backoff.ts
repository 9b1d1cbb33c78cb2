/**
 * Delay before the next delivery attempt after `attempts` failures: exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so that the changes queued during one outage do not
 * all hit the recovered directory in the same instant. Pure: the random source is passed in.
 */
export function retryDelayMs(
  attempts: number,
  options: { readonly baseMs: number; readonly maxMs: number },
  random: () => number,
): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** True when a change that has now failed `attempts` times must go to the dead-letter list. */
export function exhausted(attempts: number, maxAttempts: number): boolean {
  return attempts >= maxAttempts;
}
