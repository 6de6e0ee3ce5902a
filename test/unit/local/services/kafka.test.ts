import { describe, expect, it } from 'vitest';
import { kafkaClusterId } from '../../../../local/services/kafka.js';

describe('kafkaClusterId', () => {
  it("is 22 base64url characters and never starts with '-', which StorageTool would read as an option", () => {
    // About one draw in 64 starts with '-': 5,000 draws meet one with certainty for all practical purposes.
    const ids = Array.from({ length: 5_000 }, kafkaClusterId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
