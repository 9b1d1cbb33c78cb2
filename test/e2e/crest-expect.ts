import type { Response } from 'supertest';

/** A managed object as the API returns it. */
export type Resource = { _id: string; _rev: string } & Record<string, unknown>;

/** The CREST error body (openidm-sync-facts.md §7.5): exactly `code`, `reason`, `message`, and maybe `detail`. */
export function expectCrestError(res: Response, status: number): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({
    status,
    body: { code: status, reason: expect.any(String), message: expect.any(String) },
  });
  const keys = Object.keys(res.body as object).sort();
  expect(keys.filter((key) => key !== 'detail')).toEqual(['code', 'message', 'reason']);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
}

/** The `failedPolicyRequirements` of a 403 policy failure, as `{property: [requirement, ...]}`. */
export function failedPolicies(res: Response): Record<string, string[]> {
  const detail = (res.body as { detail?: { failedPolicyRequirements?: unknown } }).detail;
  const failures = (detail?.failedPolicyRequirements ?? []) as Array<{
    property: string;
    policyRequirements: Array<{ policyRequirement: string }>;
  }>;
  return Object.fromEntries(
    failures.map((failure) => [failure.property, failure.policyRequirements.map((p) => p.policyRequirement)]),
  );
}
