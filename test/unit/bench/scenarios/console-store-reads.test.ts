import { describe, expect, it } from 'vitest';
import type { StoreReadsWindow } from '../../../../bench/harness/results.js';
import { readsFirstInPair, storeReadsCostOf } from '../../../../bench/scenarios/console-store-reads.js';
import { SNAPSHOT_INTERVAL_MS } from '../../../../local/console/pipeline-snapshot.js';

const window = (
  pair: number,
  reads: boolean,
  storesCpuPercent: number,
  snapshots = 0,
  seconds = 10,
): StoreReadsWindow => ({
  pair,
  reads,
  snapshots,
  seconds,
  storesCpuPercent,
  processCpuPercent: { cassandra: storesCpuPercent },
});

const options = { ratePerSecond: 500, windowSeconds: 10, pairs: 2 };

describe("the stores' side of the console's reads", () => {
  it('alternates which window of a pair reads (ABBA)', () => {
    expect([1, 2, 3, 4].map(readsFirstInPair)).toEqual([true, false, true, false]);
  });

  it('turns each pair’s store CPU difference into CPU per snapshot, then into the console’s rate', () => {
    // Pair 1: 5.5 points = 55 ms a second over 10 snapshots a second → 5.5 ms each. Pair 2: 5.1 points = 51 ms
    // over 9 a second → 5.667 ms. Mean 5.583 ms; at one per 5 s, 5.583 / 5000 = 0.11 % of one core. Standard
    // error 0.083 ms, t975(1) = 12.706 → 6.642 ms, 0.13 %.
    const windows = [
      window(1, true, 55.5, 100),
      window(1, false, 50),
      window(2, false, 52),
      window(2, true, 57.1, 90),
    ];
    const cost = storeReadsCostOf(options, windows, 20_000);
    expect(cost).toMatchObject({
      perSnapshotCpuMs: 5.58,
      percent: 0.11,
      upperBoundPercent: 0.13,
      consoleIntervalMs: SNAPSHOT_INTERVAL_MS,
      acceptedUsers: 20_000,
      offeredUsers: 20_000,
      windowSeconds: 10,
    });
    expect(cost.windows).toEqual(windows);
  });

  it('uses each read window’s own length, which may run over by its last snapshot', () => {
    // 60 snapshots over 12 s = 5 a second; 2.5 points = 25 ms a second → 5 ms each.
    const cost = storeReadsCostOf(options, [window(1, true, 52.5, 60, 12), window(1, false, 50)], 10_000);
    expect(cost.perSnapshotCpuMs).toBe(5);
    expect(cost.percent).toBe(0.1);
  });

  it('has no bound with one usable pair: a pair missing a window or without snapshots is left out', () => {
    const cost = storeReadsCostOf(
      options,
      [window(1, true, 52, 100), window(1, false, 50), window(2, true, 60, 0), window(2, false, 50)],
      20_000,
    );
    expect(cost.perSnapshotCpuMs).toBe(2);
    expect(cost.upperBoundPercent).toBeUndefined();
    expect(storeReadsCostOf(options, [window(1, true, 52, 100)], 0)).toMatchObject({
      perSnapshotCpuMs: 0,
      percent: 0,
    });
  });
});
