import { describe, expect, it } from 'vitest';
import { median } from '../../../../bench/harness/median.js';
import { usersDue } from '../../../../bench/harness/open-loop.js';
import type { ConsoleRun } from '../../../../bench/harness/results.js';
import { requestSizes } from '../../../../bench/harness/user-load.js';
import {
  CONSOLE_POLL_INTERVAL_MS,
  consoleCostOf,
  medianRun,
  percentOfOneCore,
  perOfferedSecond,
  processDifferences,
  roundDifferences,
  settingsOfRound,
} from '../../../../bench/scenarios/console-cost.js';

const run = (
  setting: 'off' | 'on',
  round: number,
  projectCpuPercent: number,
  overrides: Partial<ConsoleRun> = {},
): ConsoleRun => ({
  console: setting,
  round,
  cpuPercent: projectCpuPercent / 2,
  projectCpuPercent,
  machineCpuPercent: 60,
  peakRssMiB: 300,
  acceptedUsers: 15_000,
  seconds: 30,
  ...overrides,
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

  it('runs odd rounds off then on and even rounds on then off (ABBA)', () => {
    expect([1, 2, 3, 4].map(settingsOfRound)).toEqual([
      ['off', 'on'],
      ['on', 'off'],
      ['off', 'on'],
      ['on', 'off'],
    ]);
  });

  it('cancels a steady drift: falling store CPU does not read as a cheaper console', () => {
    // Every run costs 4 % less than the one before it; the console adds exactly 1 %.
    const order = [1, 2, 3, 4].flatMap((round) =>
      settingsOfRound(round).map((setting) => ({ round, setting })),
    );
    const runs = order.map(({ round, setting }, i) =>
      run(setting, round, 100 - 4 * i + (setting === 'on' ? 1 : 0)),
    );
    expect(roundDifferences(runs)).toEqual([-3, 5, -3, 5]);
    expect(
      consoleCostOf({ ratePerSecond: 500, seconds: 30, preloadUsers: 0 }, runs, 0).cpuDifferencePercent,
    ).toBe(1);
  });

  it('splits the difference by process: the mean over the rounds of each one on − off', () => {
    const runs = [
      run('off', 1, 100, { processCpuPercent: { pipeline: 40, kafka: 30, cassandra: 30 } }),
      run('on', 1, 103, { processCpuPercent: { pipeline: 41, kafka: 31, cassandra: 31 } }),
      run('on', 2, 101, { processCpuPercent: { pipeline: 42, kafka: 29, cassandra: 30 } }),
      run('off', 2, 100, { processCpuPercent: { pipeline: 40, kafka: 30, cassandra: 30 } }),
      // A round from before the breakdown is left out rather than read as zero.
      run('off', 3, 100),
      run('on', 3, 150),
    ];
    expect(processDifferences(runs)).toEqual({ pipeline: 1.5, kafka: 0, cassandra: 0.5 });
    expect(processDifferences(runs.slice(4))).toEqual({});
  });

  it('reports the mean of the rounds’ differences, its bound, and the console’s own share', () => {
    const runs = [
      run('off', 1, 80.2),
      run('on', 1, 81.9, { peakRssMiB: 330 }),
      run('on', 2, 80.5, { acceptedUsers: 14_990, seconds: 30.4 }),
      run('off', 2, 78.6),
    ];
    const cost = consoleCostOf({ ratePerSecond: 500, seconds: 30, preloadUsers: 1_000_000 }, runs, 363.2);
    expect(cost).toMatchObject({
      ratePerSecond: 500,
      seconds: 30,
      offeredUsers: 15_000,
      pollIntervalMs: CONSOLE_POLL_INTERVAL_MS,
      preloadedUsers: 1_000_000,
      runs,
      cpuDifferencePercent: 1.8, // rounds 1.7 and 1.9
      roundDifferencesPercent: [1.7, 1.9],
      differenceUpperBoundPercent: 2.4, // 1.8 + 6.314 × 0.1
      consoleOwnCpuPercent: 0.6, // 363.2 ms over the on runs' 60.4 s
    });
    expect(cost.off).toMatchObject({ projectCpuPercent: 79.4, cpuPercent: 39.7, acceptedUsers: 15_000 });
    // The highest RSS and the fewest users accepted of the on runs: one refusing run shows.
    expect(cost.on).toMatchObject({ projectCpuPercent: 81.2, peakRssMiB: 330, acceptedUsers: 14_990 });
    const cheaper = consoleCostOf(
      { ratePerSecond: 500, seconds: 30, preloadUsers: 0 },
      [run('off', 1, 41), run('on', 1, 40.2)],
      0,
    );
    expect(cheaper.cpuDifferencePercent).toBe(-0.8);
  });

  it('counts a run’s CPU-seconds over the offered seconds, so a late-finishing run is not diluted', () => {
    expect(perOfferedSecond(50, 25_000, 20)).toBe(62.5);
    expect(perOfferedSecond(63.4, 20_000, 20)).toBe(63.4);
  });

  it('takes the middle of an odd number of runs and the mean of the two middle ones of an even number', () => {
    expect(medianRun([run('on', 1, 10), run('on', 2, 30), run('on', 3, 20)]).projectCpuPercent).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
