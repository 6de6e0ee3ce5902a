import { describe, expect, it } from 'vitest';
import { decodeUserCreatedEvent } from '../../../../lambdas/shared/contract/index.js';
import {
  InvalidVerifyRunIdError,
  POISON_DEAD_LETTER_REASON,
  poisonRecord,
  VERIFY_USER_ID_PATTERN,
  verifyRunOf,
  verifyUserId,
} from '../../../../lambdas/verification/verify-run.js';

describe('verify run ids', () => {
  it('gives every user of a run a distinct UUID that names the run', () => {
    const ids = [0, 1, 255].map((n) => verifyUserId('0a1b2c3d', n));
    expect(ids).toEqual([
      '0a1b2c3d-7e57-4000-8000-000000000000',
      '0a1b2c3d-7e57-4000-8000-000000000001',
      '0a1b2c3d-7e57-4000-8000-0000000000ff',
    ]);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(verifyRunOf(id)).toBe('0a1b2c3d');
    }
  });

  it('does not take other ids for verify users', () => {
    expect(verifyRunOf('3f0c2a9e-7b1d-4c5e-9a8f-2d6b4e1c0a57')).toBeUndefined();
    expect(VERIFY_USER_ID_PATTERN.test('0a1b2c3d-7e57-4000-8000-00000000000')).toBe(false);
  });

  it('refuses a run id that is not 8 lowercase hex digits', () => {
    expect(() => verifyUserId('0A1B2C3D', 0)).toThrow(InvalidVerifyRunIdError);
    expect(() => poisonRecord('run-1')).toThrow(InvalidVerifyRunIdError);
  });
});

describe('the poison record', () => {
  it('names its run and fails the contract as invalid JSON', () => {
    const record = poisonRecord('0a1b2c3d');
    expect(record.key).toBe('verify-0a1b2c3d-poison');
    expect(record.headers).toEqual({ 'verify-run': '0a1b2c3d' });
    const decoded = decodeUserCreatedEvent(Buffer.from(record.value));
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? undefined : decoded.reason).toBe(POISON_DEAD_LETTER_REASON);
  });
});
