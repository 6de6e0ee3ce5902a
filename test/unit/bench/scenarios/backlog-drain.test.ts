import { describe, expect, it } from 'vitest';
import { halfWorkSeconds } from '../../../../bench/scenarios/backlog-drain.js';

describe('backlog drain scenario', () => {
  it("starts a container's second half when it had taken half of its invocations, not at half the run", () => {
    // Idle from 330 s to 780 s, then busy: the second half of its work is its last minute.
    const late = [
      [330, 3, 1],
      [500, 85, 4],
      [780, 90, 10],
      [800, 150, 120],
      [840, 158, 400],
    ] as const;
    expect(halfWorkSeconds(late, 400)).toBe(840);
    expect(halfWorkSeconds(late, 239)).toBe(800);
    const steady = [
      [0, 50, 0],
      [100, 200, 500],
      [200, 280, 1_000],
      [300, 281, 1_500],
    ] as const;
    expect(halfWorkSeconds(steady, 1_500)).toBe(200);
    expect(halfWorkSeconds([], 0)).toBe(0);
  });
});
