import { randomUUID } from 'node:crypto';
import { userPayload } from '../support/user-events.js';

export interface MalformedRequest {
  readonly description: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** Ids of users inside the request, none of which may ever be stored. */
  readonly userIds: readonly string[];
}

/** Small deterministic PRNG (mulberry32) so a failing case can be regenerated from the seed. */
function prng(seed: string): () => number {
  let state = [...seed].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 2654435761) >>> 0, 1779033703);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIELDS = [
  'id',
  'first_name',
  'last_name',
  'gender',
  'address',
  'post_code',
  'email',
  'username',
  'dob',
  'registered_date',
  'phone',
  'picture',
] as const;
// Not strings: gender and post_code may legitimately be empty strings (see the contract README).
const WRONG_VALUES: unknown[] = [null, true, 12.5, -1, [], ['a'], { nested: { deeper: 1 } }];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BAD_FORMATS: Record<string, unknown[]> = {
  id: ['not-a-uuid', '00000000-0000-0000-0000-000000000000', '123', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'],
  email: ['no-at-sign', '@example.com', 'a@', 'a b@example.com'],
  dob: ['yesterday', '2024-13-45T00:00:00Z', '1990-01-01', '1990-01-01T00:00:00'],
  registered_date: ['not a date', '2020-02-30T25:61:00Z'],
  picture: ['javascript:alert(1)', 'not a url', 'ftp://example.com/x.png'],
  post_code: [1.5, -3, { code: 1 }],
};

/**
 * `count` requests that the push API must refuse with a JSON 4xx, cycling through families of bad input.
 * Valid users appear only inside requests that are invalid as a whole (all-or-nothing batches).
 */
export function malformedRequests(count: number, seed: string): MalformedRequest[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const json = { 'content-type': 'application/json' };
  const user = (i: number) => ({ ...userPayload(i), id: randomUUID() }) as Record<string, unknown>;
  const requests: MalformedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const base = user(i);
    const id = base.id as string;
    const post = (
      description: string,
      body: string | Uint8Array,
      headers: Record<string, string> = json,
      ids = [id],
    ) =>
      requests.push({
        description,
        method: 'POST',
        path: '/v1/users',
        headers,
        body,
        userIds: ids,
      });
    switch (i % 14) {
      case 0: {
        const text = JSON.stringify(base);
        post('truncated JSON', text.slice(0, Math.floor(random() * (text.length - 1))));
        break;
      }
      case 1: {
        const field = pick(FIELDS);
        post(`wrong type for ${field}`, JSON.stringify({ ...base, [field]: pick(WRONG_VALUES) }));
        break;
      }
      case 2: {
        const copy = { ...base };
        delete copy[pick(FIELDS.filter((f) => f !== 'id'))];
        post('missing field', JSON.stringify(copy));
        break;
      }
      case 3:
        post('unknown field', JSON.stringify({ ...base, [`extra_${Math.floor(random() * 1e6)}`]: 'x' }));
        break;
      case 4: {
        const field = pick(['first_name', 'last_name', 'address', 'username', 'phone'] as const);
        post(
          `huge ${field}`,
          JSON.stringify({ ...base, [field]: 'ä'.repeat(600 + Math.floor(random() * 40_000)) }),
        );
        break;
      }
      case 5: {
        const field = pick(Object.keys(BAD_FORMATS));
        const value = pick(BAD_FORMATS[field] as unknown[]);
        // A refused id that is still a well-formed UUID (the nil UUID) is the id to look for afterwards.
        const ids =
          field === 'id' ? [value].filter((v): v is string => typeof v === 'string' && UUID.test(v)) : [id];
        post(`bad format for ${field}`, JSON.stringify({ ...base, [field]: value }), json, ids);
        break;
      }
      case 6:
        post('wrong content type', JSON.stringify(base), {
          'content-type': pick([
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'image/png',
          ]),
        });
        break;
      case 7: {
        const method = pick(['PUT', 'DELETE', 'PATCH', 'GET']);
        requests.push({
          description: `wrong method ${method}`,
          method,
          path: '/v1/users',
          headers: json,
          // fetch refuses a body on GET; the others may carry one.
          ...(method === 'GET' || random() < 0.5 ? {} : { body: JSON.stringify(base) }),
          userIds: [id],
        });
        break;
      }
      case 8:
        requests.push({
          description: 'unknown path',
          method: 'POST',
          path: pick(['/v1/user', '/v2/users', '/v1/users/extra', '/', '/admin']),
          headers: json,
          body: JSON.stringify(base),
          userIds: [id],
        });
        break;
      case 9: {
        // A batch with one bad item: the good ones must not be produced either.
        const users = Array.from({ length: 2 + Math.floor(random() * 20) }, (_, k) => user(i * 100 + k));
        const bad = Math.floor(random() * users.length);
        users[bad] = { ...users[bad], email: 'broken' };
        const ids = users.map((u) => u.id as string);
        post('batch with one invalid user', JSON.stringify({ users }), json, ids);
        break;
      }
      case 10: {
        // Too many users: 501 fresh ids, every one of which must stay unstored.
        const tooMany = Array.from({ length: 501 }, (_, k) => ({
          ...base,
          id: randomUUID(),
          username: `u${k}`,
        }));
        const shapes: Array<[string, string[]]> = [
          [JSON.stringify({ users: [] }), []],
          [JSON.stringify({ users: tooMany }), tooMany.map((u) => u.id)],
          [JSON.stringify({ users: 'nope' }), []],
          [JSON.stringify([base]), [id]],
          [JSON.stringify({ users: [base], extra: true }), [id]],
        ];
        const [body, ids] = pick(shapes);
        post('bad batch shape', body, json, ids);
        break;
      }
      case 11:
        post(
          'random bytes',
          Uint8Array.from({ length: 1 + Math.floor(random() * 512) }, () => Math.floor(random() * 256)),
        );
        break;
      case 12:
        post('deeply nested JSON', `${'['.repeat(2_000)}${']'.repeat(2_000)}`);
        break;
      default:
        post('JSON that is not an object', pick(['null', '42', '"a string"', 'true', '[]', '']));
    }
  }
  return requests;
}
