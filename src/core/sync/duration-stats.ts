/**
 * One metric of a run summary's `durationSummary` (§4.3): `{count, sum, min, max, mean, stdDev}` in ms.
 * Accumulated with Welford's method so a 10^6-entry run keeps three numbers per metric, not every sample.
 */
export interface DurationStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Running mean and sum of squared deviations (Welford). */
  mean: number;
  m2: number;
}

export function emptyDurationStats(): DurationStats {
  return { count: 0, sum: 0, min: 0, max: 0, mean: 0, m2: 0 };
}

/** Adds one sample (ms) in place. */
export function addDuration(stats: DurationStats, ms: number): void {
  stats.count += 1;
  stats.sum += ms;
  stats.min = stats.count === 1 ? ms : Math.min(stats.min, ms);
  stats.max = stats.count === 1 ? ms : Math.max(stats.max, ms);
  const delta = ms - stats.mean;
  stats.mean += delta / stats.count;
  stats.m2 += delta * (ms - stats.mean);
}

/** The JSON form OpenIDM shows: population standard deviation, values rounded to whole ms for sum/min/max. */
export function durationJson(stats: DurationStats): Record<string, number> {
  const stdDev = stats.count > 0 ? Math.sqrt(stats.m2 / stats.count) : 0;
  return {
    count: stats.count,
    sum: Math.round(stats.sum),
    min: Math.round(stats.min),
    max: Math.round(stats.max),
    mean: Math.round(stats.mean * 100) / 100,
    stdDev: Math.round(stdDev * 100) / 100,
  };
}
