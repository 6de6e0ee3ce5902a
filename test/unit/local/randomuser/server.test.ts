import { describe, expect, it } from 'vitest';
import { generateRandomUsers, type RandomUserResultDocument } from '../../../../local/randomuser/generate.js';
import { withRandomUserServer } from '../../../support/randomuser.js';

interface ApiDocument {
  results: RandomUserResultDocument[];
  info: { seed: string; results: number; page: number; version: string };
}

async function getJson(url: string): Promise<ApiDocument> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return (await response.json()) as ApiDocument;
}

describe('local randomuser.me stand-in', () => {
  it("answers randomuser.me's document shape", async () => {
    await withRandomUserServer({}, async (server) => {
      const document = await getJson(`${server.url}/api/?results=3&seed=shape&page=1`);
      expect(document.info).toEqual({ seed: 'shape', results: 3, page: 1, version: '1.4' });
      expect(document.results).toHaveLength(3);
      expect(document.results[0]).toEqual({
        gender: expect.stringMatching(/^(male|female)$/),
        name: { title: expect.any(String), first: expect.any(String), last: expect.any(String) },
        location: {
          street: { number: expect.any(Number), name: expect.any(String) },
          city: expect.any(String),
          state: expect.any(String),
          country: expect.any(String),
          postcode: expect.anything(),
          coordinates: { latitude: expect.any(String), longitude: expect.any(String) },
          timezone: { offset: expect.any(String), description: expect.any(String) },
        },
        email: expect.stringMatching(/@example\.com$/),
        login: {
          uuid: expect.stringMatching(
            /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          ),
          username: expect.any(String),
          password: expect.any(String),
          salt: expect.any(String),
          md5: expect.stringMatching(/^[0-9a-f]{32}$/),
          sha1: expect.stringMatching(/^[0-9a-f]{40}$/),
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
        dob: { date: expect.any(String), age: expect.any(Number) },
        registered: { date: expect.any(String), age: expect.any(Number) },
        phone: expect.any(String),
        cell: expect.any(String),
        id: { name: expect.any(String), value: expect.toSatisfy((v) => v === null || typeof v === 'string') },
        picture: {
          large: expect.stringMatching(/^https:\/\/randomuser\.me\/api\/portraits\//),
          medium: expect.stringMatching(/^https:\/\/randomuser\.me\/api\/portraits\/med\//),
          thumbnail: expect.stringMatching(/^https:\/\/randomuser\.me\/api\/portraits\/thumb\//),
        },
        nat: expect.stringMatching(/^[A-Z]{2}$/),
      });
    });
  });

  it('is deterministic per seed, and pages with a fixed results walk one stream', async () => {
    await withRandomUserServer({}, async (server) => {
      const all = await getJson(`${server.url}/api/?results=30&seed=stream`);
      const again = await getJson(`${server.url}/api/?results=30&seed=stream`);
      const page2 = await getJson(`${server.url}/api/?results=10&seed=stream&page=2`);
      const other = await getJson(`${server.url}/api/?results=30&seed=other`);
      expect(again.results).toEqual(all.results);
      expect(page2.results).toEqual(all.results.slice(10, 20));
      expect(other.results.map((u) => u.login.uuid)).not.toEqual(all.results.map((u) => u.login.uuid));
      expect(all.results).toEqual(generateRandomUsers('stream', 0, 30));
    });
  });

  it("reproduces randomuser.me's data quirks: numeric and string postcodes, null ids, non-Latin names", () => {
    const users = generateRandomUsers('quirks', 0, 1_000);
    const byNat = (nat: string) => users.filter((u) => u.nat === nat);
    expect(byNat('US').every((u) => typeof u.location.postcode === 'number')).toBe(true);
    expect(byNat('CA').every((u) => /^[A-Z]\d[A-Z] \d[A-Z]\d$/.test(String(u.location.postcode)))).toBe(true);
    expect(byNat('TR').every((u) => u.id.value === null)).toBe(true);
    expect(users.some((u) => /[^ -~]/.test(u.name.first + u.name.last))).toBe(true);
    expect(byNat('IR').some((u) => /[\u0600-\u06ff]/.test(u.name.first))).toBe(true);
    expect(byNat('UA').every((u) => /^[a-z.]+[0-9]{1,5}@example\.com$/.test(u.email))).toBe(true);
  });

  it("keeps a day of demo pulls under the data_quality DAG's 1 % duplicate e-mail threshold", () => {
    // The demo pulls with a fresh seed each time; 20 seeds × 1,000 users is hours of it.
    const emails = Array.from({ length: 20 }, (_, i) => generateRandomUsers(`demo-${i}`, 0, 1_000))
      .flat()
      .map((u) => u.email.toLowerCase());
    const duplicates = emails.length - new Set(emails).size;
    // mwaa-dags/dags/pipeline_dags/quality.py: max_duplicate_email_rate 0.01.
    expect(duplicates / emails.length).toBeLessThan(0.01);
  });

  it('serves a random seed when none is given and caps results at 5000', async () => {
    await withRandomUserServer({}, async (server) => {
      const unseeded = await getJson(`${server.url}/api/`);
      expect(unseeded.info.seed).toMatch(/^[0-9a-f]{16}$/);
      expect(unseeded.results).toHaveLength(1);
      const capped = await getJson(`${server.url}/api/?results=9999&seed=cap`);
      expect(capped.info.results).toBe(5000);
      expect(capped.results).toHaveLength(5000);
    });
  });

  it('filters nationalities with nat', async () => {
    await withRandomUserServer({}, async (server) => {
      const document = await getJson(`${server.url}/api/?results=20&seed=n&nat=ca,de`);
      expect(new Set(document.results.map((u) => u.nat))).toEqual(new Set(['CA', 'DE']));
    });
  });

  it('answers injected failures one per request, in order, with Retry-After on 429/503', async () => {
    await withRandomUserServer({ failures: [429, { status: 500, body: 'oops' }] }, async (server) => {
      const throttled = await fetch(`${server.url}/api/?results=1`);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('1');
      const broken = await fetch(`${server.url}/api/?results=1`);
      expect(broken.status).toBe(500);
      expect(await broken.text()).toBe('oops');
      expect((await fetch(`${server.url}/api/?results=1`)).status).toBe(200);

      server.failNext(503);
      expect((await fetch(`${server.url}/api/?results=1`)).status).toBe(503);
      expect(server.requests.map((r) => r.status)).toEqual([429, 500, 200, 503]);
    });
  });

  it('answers 404 outside /api/', async () => {
    await withRandomUserServer({}, async (server) => {
      expect((await fetch(`${server.url}/users`)).status).toBe(404);
    });
  });
});
