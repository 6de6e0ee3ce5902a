import { describe, expect, it } from 'vitest';
import { usersDue } from '../../../bench/lib/open-loop.js';
import {
  CONSOLE_POLL_INTERVAL_MS,
  consoleCostOf,
  percentOfOneCore,
  requestSizes,
} from '../../../bench/scenarios/console-cost.js';

const run = (cpuPercent: number, seconds = 30) => ({
  cpuPercent,
  machineCpuPercent: 60,
  peakRssMiB: 300,
  acceptedUsers: 15_000,
  seconds,
});

describe('console cost scenario', () => {
  it('offers users by the clock, never more than the run holds', () => {
    expect(usersDue(0, 500, 15_000)).toBe(0);
    expect(usersDue(19, 500, 15_000)).toBe(9);
    expect(usersDue(1_000, 500, 15_000)).toBe(500);
    expect(usersDue(31_000, 500, 15_000)).toBe(15_000);
  });

  it('sends the due users in requests of at most 10', () => {
    expect(requestSizes(0, 25)).toEqual([10, 10, 5]);
    expect(requestSizes(25, 27)).toEqual([2]);
    expect(requestSizes(30, 30)).toEqual([]);
  });

  it('turns busy milliseconds over a span into percent of one core', () => {
    expect(percentOfOneCore(1_000, 10_000)).toBe(10);
    expect(percentOfOneCore(183, 30_200)).toBe(0.6);
    expect(percentOfOneCore(5, 0)).toBe(0);
  });

  it('reports the difference of the two runs and the console’s own share of the run with it on', () => {
    const cost = consoleCostOf({ ratePerSecond: 500, seconds: 30 }, run(38.4), run(40.5, 30.2), 181.2);
    expect(cost).toMatchObject({
      ratePerSecond: 500,
      seconds: 30,
      offeredUsers: 15_000,
      pollIntervalMs: CONSOLE_POLL_INTERVAL_MS,
      cpuDifferencePercent: 2.1,
      consoleOwnCpuPercent: 0.6,
    });
    expect(
      consoleCostOf({ ratePerSecond: 500, seconds: 30 }, run(41), run(40.2), 0).cpuDifferencePercent,
    ).toBe(-0.8);
  });
});
