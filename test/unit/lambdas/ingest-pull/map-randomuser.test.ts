import { describe, expect, it } from 'vitest';
import { formatRandomUser, mapRandomUser } from '../../../../lambdas/ingest-pull/map-randomuser.js';
import { randomUserResult } from '../../../support/randomuser.js';

const FRESH_ID = '0b9f5c1a-2d3e-4f60-8a7b-9c8d7e6f5a4b';
const newId = () => FRESH_ID;

describe('mapRandomUser (the tutorial format_data)', () => {
  it('maps the 12 fields exactly like format_data, with the id from login.uuid, and nat as nationality', () => {
    expect(mapRandomUser(randomUserResult(), newId)).toEqual({
      ok: true,
      occurredAt: '2009-12-17T06:21:19.520Z',
      payload: {
        nationality: 'IE',
        id: '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
        first_name: 'Louis',
        last_name: 'Ross',
        gender: 'male',
        address: '6524 Grafton Street, Ballina, Laois, Ireland',
        post_code: '93451',
        email: 'louis.ross@example.com',
        username: 'purpleswan123',
        dob: '1993-07-20T09:44:18.674Z',
        registered_date: '2009-12-17T06:21:19.520Z',
        phone: '041-917-8541',
        picture: 'https://randomuser.me/api/portraits/med/men/75.jpg',
      },
    });
  });

  it('a source without nat gives a payload without nationality; a malformed nat is a schema violation', () => {
    const { nat: _absent, ...withoutNat } = randomUserResult() as Record<string, unknown>;
    const mapped = mapRandomUser(withoutNat, newId);
    expect(mapped.ok && 'nationality' in mapped.payload).toBe(false);
    const bad = mapRandomUser({ ...randomUserResult(), nat: 'ie' }, newId);
    expect(bad).toMatchObject({ ok: false, reason: 'schema_violation', issues: [{ path: 'nationality' }] });
  });

  it('turns a numeric postcode into its string and keeps a string postcode verbatim', () => {
    const numeric = formatRandomUser(randomUserResult() as never, FRESH_ID);
    expect(numeric.post_code).toBe('93451');
    const canadian = randomUserResult({
      location: { ...randomUserResult().location, country: 'Canada', postcode: 'T5K 2N3' },
    });
    const mapped = mapRandomUser(canadian, newId);
    expect(mapped.ok && mapped.payload.post_code).toBe('T5K 2N3');
  });

  it('builds the address as "<number> <street>, <city>, <state>, <country>" with a string street number', () => {
    const result = randomUserResult({
      location: {
        ...randomUserResult().location,
        street: { number: '12b', name: 'Øvre Slottsgate' },
        city: 'Tromsø',
        state: 'Troms',
        country: 'Norway',
      },
    });
    const mapped = mapRandomUser(result, newId);
    expect(mapped.ok && mapped.payload.address).toBe('12b Øvre Slottsgate, Tromsø, Troms, Norway');
  });

  it('uses a fresh id only when the source has no login.uuid', () => {
    const { uuid: _uuid, ...login } = randomUserResult().login;
    const mapped = mapRandomUser(randomUserResult({ login }), newId);
    expect(mapped.ok && mapped.payload.id).toBe(FRESH_ID);
  });

  it('reports a source document of the wrong shape by its randomuser path', () => {
    const { location: _location, ...withoutLocation } = randomUserResult();
    expect(mapRandomUser(withoutLocation, newId)).toEqual({
      ok: false,
      reason: 'source_shape',
      userId: '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
      issues: [{ path: 'location', message: expect.any(String) }],
    });
    expect(mapRandomUser('not a user', newId)).toMatchObject({ ok: false, reason: 'source_shape' });
    expect(mapRandomUser(null, newId)).toMatchObject({ ok: false, reason: 'source_shape' });
  });

  it('reports a mapped user the contract refuses, by contract field', () => {
    const mapped = mapRandomUser(
      randomUserResult({ email: 'not-an-email', login: { uuid: 'nope', username: 'u' } }),
      newId,
    );
    expect(mapped).toEqual({
      ok: false,
      reason: 'schema_violation',
      userId: 'nope',
      issues: [
        { path: 'id', message: 'must be a UUID' },
        { path: 'email', message: 'must be an email address' },
      ],
    });
  });
});
