import { describe, expect, it } from 'vitest';
import {
  decodeUserPayload,
  MAX_USER_PAYLOAD_BYTES,
  parseUserPayload,
  type UserPayload,
} from '../../../../../lambdas/shared/contract/index.js';
import { sampleUserPayload, worstCaseSizeEvent } from './fixtures.js';

describe('parseUserPayload (push API boundary)', () => {
  it('accepts a valid payload and coerces a numeric post_code', () => {
    const result = parseUserPayload(sampleUserPayload({ post_code: 75001 }));
    expect(result).toEqual({ ok: true, payload: { ...sampleUserPayload(), post_code: '75001' } });
  });

  it('reports field paths relative to the payload, ready for a 400 body', () => {
    const result = parseUserPayload(sampleUserPayload({ email: 'nope', dob: '20-07-1993' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('schema_violation');
    expect(result.issues.map((issue) => issue.path).sort()).toEqual(['dob', 'email']);
    for (const issue of result.issues) expect(issue.message).toEqual(expect.any(String));
  });

  it('rejects unknown fields by name', () => {
    const result = parseUserPayload({ ...sampleUserPayload(), location: { city: 'Ballina' } });
    expect(result).toEqual({
      ok: false,
      reason: 'schema_violation',
      issues: [{ path: 'location', message: expect.stringContaining('unknown field') }],
    });
  });

  it('does not mutate its input', () => {
    const input = sampleUserPayload({ post_code: 1234 });
    const snapshot = structuredClone(input);
    parseUserPayload(input);
    expect(input).toEqual(snapshot);
  });

  it('infers the output type with post_code as a string', () => {
    const result = parseUserPayload(sampleUserPayload());
    if (!result.ok) throw new Error('expected ok');
    const postCode: UserPayload['post_code'] = result.payload.post_code;
    expect(postCode.toUpperCase()).toBe('93451');
  });
});

describe('decodeUserPayload', () => {
  it('decodes a request body', () => {
    expect(decodeUserPayload(JSON.stringify(sampleUserPayload())).ok).toBe(true);
    expect(decodeUserPayload(Buffer.from(JSON.stringify(sampleUserPayload()))).ok).toBe(true);
  });

  it('reports invalid JSON and oversize bodies with their own reasons', () => {
    expect(decodeUserPayload('{"id":').ok ? undefined : decodeUserPayload('{"id":')).toMatchObject({
      reason: 'invalid_json',
    });
    const oversize = decodeUserPayload(' '.repeat(MAX_USER_PAYLOAD_BYTES + 1));
    expect(oversize).toMatchObject({ ok: false, reason: 'oversize', issues: [{ path: '' }] });
  });

  it('a payload within every field limit always fits MAX_USER_PAYLOAD_BYTES', () => {
    const worstPayload = worstCaseSizeEvent().payload;
    const body = JSON.stringify(worstPayload);
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_USER_PAYLOAD_BYTES);
    expect(decodeUserPayload(body).ok).toBe(true);
  });
});
