import { describe, expect, it } from 'vitest';
import {
  differenceUpperBound,
  roundPairs,
  speedAdjustedDifference,
} from '../../../../bench/harness/paired-rounds.js';
import type { ConsoleRun } from '../../../../bench/harness/results.js';

/** A run whose pipeline and stores CPU are given; the project's is their sum. */
const run = (setting: 'off' | 'on', round: number, pipeline: number, stores: number): ConsoleRun => ({
  console: setting,
  round,
  cpuPercent: pipeline,
  projectCpuPercent: pipeline + stores,
  processCpuPercent: { pipeline, kafka: stores * 0.1, cassandra: stores * 0.8, postgres: stores * 0.1 },
  machineCpuPercent: 60,
  peakRssMiB: 300,
  acceptedUsers: 15_000,
  seconds: 30,
});

describe('paired rounds', () => {
  it('pairs each round’s on and off runs in round order, leaving out a round missing either', () => {
    const runs = [
      run('on', 2, 1, 1),
      run('off', 1, 2, 2),
      run('off', 2, 3, 3),
      run('on', 1, 4, 4),
      run('off', 3, 5, 5),
    ];
    expect(roundPairs(runs).map(({ on, off }) => [on.round, on.cpuPercent, off.cpuPercent])).toEqual([
      [1, 4, 2],
      [2, 1, 3],
    ]);
  });

  it('bounds the mean difference from the spread between rounds, wider with fewer rounds', () => {
    // mean 1, standard error 1.155 / √4 = 0.577: t(3) = 2.353 → 1 + 1.36
    expect(differenceUpperBound([0, 2, 0, 2])).toBe(2.4);
    // two rounds: standard error 1.414 / √2 = 1, t(1) = 6.314 → 1 + 6.31
    expect(differenceUpperBound([0, 2])).toBe(7.3);
    expect(differenceUpperBound([1.5, 1.5, 1.5])).toBe(1.5);
    expect(differenceUpperBound([2])).toBeUndefined();
    // ten rounds alternating 0 and 2: standard error 1.054 / √10 = 0.333, t(9) = 1.833 → 1 + 0.61
    expect(differenceUpperBound([0, 2, 0, 2, 0, 2, 0, 2, 0, 2])).toBe(1.6);
    // twenty rounds: standard error 1.026 / √20 = 0.229, t(19) = 1.729 → 1 + 0.40
    expect(differenceUpperBound(Array.from({ length: 20 }, (_, i) => (i % 2) * 2))).toBe(1.4);
    // thirty rounds (the most --console-rounds allows): standard error 1.017 / √30 = 0.186, t(29) = 1.699 → 1 + 0.32
    expect(differenceUpperBound(Array.from({ length: 30 }, (_, i) => (i % 2) * 2))).toBe(1.3);
  });

  it('takes the machine’s speed out of the whole difference, read where the stores differ by the reads alone', () => {
    // The machine runs at a different speed in every run; the stores' work scales with it (80 points at speed
    // 1), the pipeline's too (40 points). The console adds exactly 1 point to the pipeline and, by its reads,
    // 0.2 to the stores: 1.2 in all.
    const speeds = [
      [1.0, 1.3],
      [1.25, 0.9],
      [0.8, 1.1],
      [1.2, 1.0],
      [0.95, 1.35],
    ] as const;
    const runs = speeds.flatMap(([on, off], i) => [
      run('on', i + 1, 40 * on + 1, 80 * on + 0.2),
      run('off', i + 1, 40 * off, 80 * off),
    ]);
    // The raw differences swing by tens of points; at equal speed the console's 1.2 points are all that is left.
    const raw = roundPairs(runs).map((p) => (p.on.projectCpuPercent ?? 0) - (p.off.projectCpuPercent ?? 0));
    expect(Math.max(...raw) - Math.min(...raw)).toBeGreaterThan(50);
    expect(speedAdjustedDifference(runs, { percent: 0.2, upperBoundPercent: 0.3 })).toEqual({
      percent: 1.2,
      // On the line (no scatter), at the reads' bound: 1.2 + 1.5 × 0.1.
      upperBoundPercent: 1.4,
      storesSlope: 1.5,
      correlation: 1,
      meanStoresDifferencePercent: -7,
      // Stores' differences −23.8, 28.2, −23.8, 16.2, −31.8: SD 27.19, t975(4) 2.776 × 27.19 / √5 = 33.8.
      storesDifferenceMarginPercent: 33.8,
      storesAgreeWithReads: true,
      rounds: 5,
    });
    // Without a bound on the reads there is no bound on the whole.
    expect(speedAdjustedDifference(runs, { percent: 0.2 })?.upperBoundPercent).toBeUndefined();
  });

  it('bounds the line by its scatter with rounds − 2 degrees of freedom, at whichever end of the reads is higher', () => {
    // Stores' differences −10, 0, 10 and the pipeline's −5, 2, 5, so the project's −15, 2, 15: slope 1.5,
    // mean 0.667, residuals −0.667, 1.333, −0.667 (squares 2.667 over 1 degree of freedom, s = 1.633).
    const runs = [
      run('on', 1, 45, 90),
      run('off', 1, 50, 100),
      run('off', 2, 50, 100),
      run('on', 2, 52, 100),
      run('on', 3, 55, 110),
      run('off', 3, 50, 100),
    ];
    // At 0.5: 0.667 + 0.75 = 1.417. Bound at 1: 2.167 + t975(1) 12.706 × 1.633 × √(1/3 + 1/200) = 14.2.
    expect(speedAdjustedDifference(runs, { percent: 0.5, upperBoundPercent: 1 })).toEqual({
      percent: 1.4,
      upperBoundPercent: 14.2,
      storesSlope: 1.5,
      correlation: 1,
      meanStoresDifferencePercent: 0,
      // SD 10, t975(2) 4.303 × 10 / √3 = 24.8: the reads' 0.5 lies well within.
      storesDifferenceMarginPercent: 24.8,
      storesAgreeWithReads: true,
      rounds: 3,
    });
    // A falling line is highest where the reads cost nothing. Project differences 15, 2, −5: slope −1, mean 4,
    // residuals 1, −2, 1 (s = 2.449); at 0: 4 + 12.706 × 2.449 × √(1/3) = 22.0; at 1 only 21.1.
    const falling = [
      run('on', 1, 75, 90),
      run('off', 1, 50, 100),
      run('on', 2, 52, 100),
      run('off', 2, 50, 100),
      run('on', 3, 35, 110),
      run('off', 3, 50, 100),
    ];
    expect(speedAdjustedDifference(falling, { percent: 0.5, upperBoundPercent: 1 })).toMatchObject({
      percent: 3.5,
      upperBoundPercent: 22,
      storesSlope: -1,
    });
  });

  it('says when the rounds’ stores differ by more than the reads can explain', () => {
    // Stores' differences 10, 10.8, 9.2: mean 10 ± 4.303 × 0.8 / √3 = 2.0, far from reads of 0.1 %.
    const runs = [10, 10.8, 9.2].flatMap((stores, i) => [
      run('on', i + 1, 51, 100 + stores),
      run('off', i + 1, 50, 100),
    ]);
    expect(speedAdjustedDifference(runs, { percent: 0.1, upperBoundPercent: 0.2 })).toMatchObject({
      meanStoresDifferencePercent: 10,
      storesDifferenceMarginPercent: 2,
      storesAgreeWithReads: false,
    });
    // Reads of 9 % would explain them.
    expect(speedAdjustedDifference(runs, { percent: 9, upperBoundPercent: 9.5 })?.storesAgreeWithReads).toBe(
      true,
    );
  });

  it('has no adjusted figure under three rounds, without the per-process split, or when the stores never moved', () => {
    const reads = { percent: 0.1, upperBoundPercent: 0.2 };
    const three = [1, 2, 3].flatMap((r) => [run('on', r, 51 + r, 80 + r), run('off', r, 50, 80)]);
    expect(speedAdjustedDifference(three.slice(0, 4), reads)).toBeUndefined();
    const withoutSplit = three.map(({ processCpuPercent: _split, ...rest }) => rest);
    expect(speedAdjustedDifference(withoutSplit, reads)).toBeUndefined();
    const stillStores = [1, 2, 3].flatMap((r) => [run('on', r, 51 + r, 80), run('off', r, 50, 80)]);
    expect(speedAdjustedDifference(stillStores, reads)).toBeUndefined();
  });
});
