import type { TestConcord } from './concord-app';

/**
 * GET /metrics as an admin, every sample of the exposition as series → value, the series spelt as Prometheus
 * prints it: `concord_sync_queue_changes{state="dead"}` → 1.
 */
export async function scrapeMetrics(node: TestConcord): Promise<Map<string, number>> {
  const text = (await node.admin('get', '/metrics').expect(200)).text;
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}
