/**
 * Runs `start` with `settings` in the process environment, then puts the environment back: for settings read
 * from `process.env` when Concord starts in the test's process (CONCORD_SYNC_*, read by durable delivery).
 */
export async function withSettings<T>(settings: Record<string, string>, start: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  Object.assign(process.env, settings);
  try {
    return await start();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
