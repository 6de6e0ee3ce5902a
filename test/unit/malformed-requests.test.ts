/**
 * The fault suite's "nothing stored" check looks up the ids each malformed request lists. This holds the
 * generator to listing every user id its request carries, so no stored user could go unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { malformedRequests } from '../faults/malformed-requests.js';

const UUID_FIELD = /"id":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g;

describe('malformedRequests', () => {
  const requests = malformedRequests(2_000, 'unit-seed');

  it('lists, for every request, each user id found in its body', () => {
    const unlisted = requests.flatMap((request) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const listed = new Set(request.userIds);
      return [...body.matchAll(UUID_FIELD)]
        .map((match) => match[1] as string)
        .filter((id) => !listed.has(id))
        .map((id) => `${request.description}: ${id}`);
    });
    expect(unlisted).toEqual([]);
  });

  it('includes a 501-user batch whose every id is listed', () => {
    const tooMany = requests.filter((request) => request.userIds.length === 501);
    expect(tooMany.length).toBeGreaterThan(0);
    for (const request of tooMany) expect(new Set(request.userIds).size).toBe(501);
  });
});
