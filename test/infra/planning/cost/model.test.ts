// Tests planning/cost/model.ts; also planning/cost/unit-prices.ts.
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../../../bin/config/index.js';
import {
  type CostLine,
  dagReadUnits,
  estimateMonthlyCost,
  keyspacesStorageGrowth,
  keyspacesTablesPerEvent,
  RECONCILE_RUNS_PER_MONTH,
  sampledTracesPerSecond,
  summarize,
} from '../../../../planning/cost/model.js';
import {
  HOURS_PER_MONTH,
  listUnitPrices,
  SECONDS_PER_MONTH,
  UNIT_PRICES,
  UNIT_PRICES_AS_OF,
} from '../../../../planning/cost/unit-prices.js';

const dev = loadStageConfig('dev', {});
const prod = loadStageConfig('prod', {});

function find(lines: readonly CostLine[], service: string, item: RegExp): CostLine {
  const match = lines.find((l) => l.service === service && item.test(l.item));
  if (!match) throw new Error(`no ${service} ${item} line`);
  return match;
}

describe('cost model', () => {
  it('dates its unit price table', () => {
    expect(UNIT_PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prices every line as quantity × unit price and sums them', () => {
    const lines = estimateMonthlyCost(dev, { eventsPerSecond: 10 });
    for (const l of lines) expect(l.monthlyUsd).toBeCloseTo(l.quantity * l.unitPrice, 10);
    const { total, byService } = summarize(lines);
    expect(total).toBeCloseTo(
      lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
      10,
    );
    expect([...byService.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(total, 10);
  });

  it('bills brokers, MWAA and NAT per hour from the stage configuration', () => {
    const lines = estimateMonthlyCost(prod, { eventsPerSecond: 0 });
    const brokers = find(lines, 'MSK', /kafka\.m7g\.large/);
    expect(brokers.quantity).toBe(3 * HOURS_PER_MONTH);
    expect(brokers.monthlyUsd).toBeCloseTo(3 * 730 * 0.204, 6);
    expect(find(lines, 'MWAA', /mw1\.medium/).monthlyUsd).toBeCloseTo(
      730 * (UNIT_PRICES.mwaa.environmentHour['mw1.medium']?.usd ?? Number.NaN),
      6,
    );
    expect(find(lines, 'VPC', /NAT/).quantity).toBe(3 * 730);
    // Multi-AZ doubles instance-hours and storage.
    expect(find(lines, 'RDS PostgreSQL', /Multi-AZ/).quantity).toBe(2 * 730);
  });

  it('charges Keyspaces one write unit per table per event, scheduled-pull events included', () => {
    const perSecond = 25;
    const lines = estimateMonthlyCost(dev, { eventsPerSecond: perSecond, rowKb: 0.8 });
    const writes = find(lines, 'Keyspaces', /writes/);
    // dev pulls 100 users every 15 minutes: 96 runs a day.
    const pullEvents = 30 * 96 * 100;
    expect(keyspacesTablesPerEvent(dev)).toBe(2);
    expect(writes.quantity).toBeCloseTo(((perSecond * SECONDS_PER_MONTH + pullEvents) * 2) / 1e6, 6);
    // While a stage upgrades its day table, every event is written to both day tables too.
    const upgrading = { ...dev, signupDayTable: { buckets: 4, legacyTable: 'dual-write' as const } };
    expect(
      find(estimateMonthlyCost(upgrading, { eventsPerSecond: perSecond, rowKb: 0.8 }), 'Keyspaces', /writes/)
        .quantity,
    ).toBeCloseTo((writes.quantity * 3) / 2, 6);
    // On-demand price after the 2024-11-14 cut.
    expect(writes.monthlyUsd).toBeCloseTo(writes.quantity * 0.625, 6);
    // Rows above 1 KB cost a write unit per started KB.
    const bigRows = find(
      estimateMonthlyCost(dev, { eventsPerSecond: perSecond, rowKb: 1.5 }),
      'Keyspaces',
      /writes/,
    );
    expect(bigRows.quantity).toBeCloseTo(writes.quantity * 2, 6);
  });

  it('counts API requests from the API share and batch size', () => {
    const lines = estimateMonthlyCost(dev, { eventsPerSecond: 10, apiShare: 0.5, usersPerRequest: 5 });
    expect(find(lines, 'API Gateway', /REST/).quantity).toBeCloseTo(
      (10 * SECONDS_PER_MONTH * 0.5) / 5 / 1e6,
      9,
    );
  });

  it('switches to serverless pricing for MSK Serverless and has no cost for LocalStack', () => {
    const serverless = estimateMonthlyCost(
      { ...dev, streaming: { kind: 'serverless' } },
      { eventsPerSecond: 1 },
    );
    expect(find(serverless, 'MSK Serverless', /cluster/).monthlyUsd).toBeCloseTo(730 * 0.75, 6);
    expect(serverless.some((l) => l.service === 'MSK')).toBe(false);
    expect(estimateMonthlyCost(loadStageConfig('local', {}), { eventsPerSecond: 10 })).toEqual([]);
  });

  it('adds WAF only where the stage enables it', () => {
    expect(estimateMonthlyCost(dev, { eventsPerSecond: 1 }).some((l) => l.service === 'WAF')).toBe(false);
    expect(estimateMonthlyCost(prod, { eventsPerSecond: 1 }).some((l) => l.service === 'WAF')).toBe(true);
  });

  it('gives every unit price a source and a date, and marks the unconfirmed ones', () => {
    const prices = listUnitPrices();
    expect(prices.length).toBeGreaterThan(30);
    for (const { path, price } of prices) {
      expect(price.source, path).toMatch(/\S{8,}/);
      expect(price.asOf, path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const unconfirmed = prices.filter((p) => p.price.unconfirmed).map((p) => p.path);
    expect(unconfirmed).toEqual(
      expect.arrayContaining([
        'rds.instanceHour.db.m7g.large',
        'rds.proxyVcpuHour',
        'mwaa.environmentHour.mw1.micro',
        'lambda.eventPollerUnitHour',
      ]),
    );
    const prodLines = estimateMonthlyCost(prod, { eventsPerSecond: 1 });
    expect(find(prodLines, 'Lambda', /poller/).unconfirmed).toBe(true);
    expect(find(prodLines, 'MSK', /kafka/).unconfirmed).toBe(false);
  });

  it('prices Keyspaces reads at $0.125 per million RRU and counts the reconcile DAG reads', () => {
    const lines = estimateMonthlyCost(dev, { eventsPerSecond: 10, reconcileSampleSize: 200 });
    const reads = find(lines, 'Keyspaces', /reconcile_stores reads/);
    const events = 10 * SECONDS_PER_MONTH + 30 * 96 * 100;
    // Each row of each hourly window once, every bucket (dev: 4) of each of the window's 50 (day, country)
    // pairs once (live signups: today's date), plus one point read per sampled id.
    expect(reads.quantity * 1e6).toBeCloseTo(events + RECONCILE_RUNS_PER_MONTH * (50 * 4 + 200), 0);
    expect(reads.monthlyUsd).toBeCloseTo(reads.quantity * 0.125, 9);
    expect(dagReadUnits(0, { eventsPerSecond: 0, reconcileSampleSize: 0 })).toBe(0);
    // A quiet window holds fewer pairs than countries: 3 rows an hour are at most 3 pairs.
    expect(
      dagReadUnits(3 * RECONCILE_RUNS_PER_MONTH, { eventsPerSecond: 0, reconcileSampleSize: 0 }, 16),
    ).toBeCloseTo(RECONCILE_RUNS_PER_MONTH * (3 + 3 * 16), 6);
  });

  it('bills the pollers the rate needs, between the mapping minimum and maximum', () => {
    const pollers = (eventsPerSecond: number) =>
      find(estimateMonthlyCost(prod, { eventsPerSecond }), 'Lambda', /poller/);
    expect(pollers(10).quantity).toBe(1 * HOURS_PER_MONTH);
    // 10,000 events/s × 1.5 KB = 14.6 MB/s: three 5 MB/s pollers.
    expect(pollers(10_000).quantity).toBe(3 * HOURS_PER_MONTH);
    expect(pollers(1_000_000).quantity).toBe(12 * HOURS_PER_MONTH);
  });

  it('bills Keyspaces storage in month 12 of a table without TTL and shows the growth', () => {
    const noTtl = { eventsPerSecond: 10, rowKb: 0.8, userRowsTtlDays: 0 };
    const growth = keyspacesStorageGrowth(dev, noTtl);
    expect(growth).toHaveLength(12);
    expect(growth[11]?.gb).toBeCloseTo((growth[0]?.gb ?? Number.NaN) * 12, 6);
    const storage = find(estimateMonthlyCost(dev, noTtl), 'Keyspaces', /storage/);
    expect(storage.item).toBe('storage in month 12 (no TTL)');
    expect(storage.quantity).toBeCloseTo(growth[11]?.gb ?? Number.NaN, 6);
  });

  it("with the stage's TTL, storage levels off at the rows of the last TTL period (plus TTL metadata)", () => {
    expect(dev.retention.userRowsTtlDays).toBe(90);
    expect(prod.retention.userRowsTtlDays).toBe(0);
    const workload = { eventsPerSecond: 10, rowKb: 0.8 };
    const growth = keyspacesStorageGrowth(dev, workload);
    const ttlMonths = (90 * 86_400) / SECONDS_PER_MONTH;
    // Month 1: one month of rows, each 0.1 KB larger; from the TTL on: ttlMonths of them, flat.
    expect(growth[0]?.withTtl.gb).toBeCloseTo(((growth[0]?.gb ?? 0) * 0.9) / 0.8, 6);
    expect(growth[5]?.withTtl.gb).toBeCloseTo(((growth[0]?.gb ?? 0) * ttlMonths * 0.9) / 0.8, 6);
    expect(growth[11]?.withTtl.gb).toBeCloseTo(growth[5]?.withTtl.gb ?? Number.NaN, 9);
    expect(growth[11]?.withTtl.monthlyUsd).toBeLessThan((growth[11]?.monthlyUsd ?? 0) / 3);
    const storage = find(estimateMonthlyCost(dev, workload), 'Keyspaces', /storage/);
    expect(storage.item).toBe('storage in month 12 (TTL 90 days)');
    expect(storage.quantity).toBeCloseTo(growth[11]?.withTtl.gb ?? Number.NaN, 6);
    // prod has no TTL: priced without, the growth table shows the option (the default's 90 days).
    const prodGrowth = keyspacesStorageGrowth(prod, workload);
    expect(find(estimateMonthlyCost(prod, workload), 'Keyspaces', /storage/).quantity).toBeCloseTo(
      prodGrowth[11]?.gb ?? Number.NaN,
      6,
    );
    expect(prodGrowth[11]?.withTtl.gb).toBeLessThan(prodGrowth[11]?.gb ?? 0);
  });

  it('counts two Keyspaces reads per created user for the stored state (created_users and user_tombstones)', () => {
    const lines = estimateMonthlyCost(dev, { eventsPerSecond: 10 });
    const check = find(lines, 'Keyspaces', /stored-state reads/);
    expect(check.quantity * 1e6).toBeCloseTo(2 * (10 * SECONDS_PER_MONTH + 30 * 96 * 100), 0);
    expect(check.monthlyUsd).toBeCloseTo(check.quantity * 0.125, 9);
  });

  it('adds X-Ray with the default sampling rule, NAT IPv4 addresses and the log groups', () => {
    expect(sampledTracesPerSecond(0.5)).toBeCloseTo(0.5, 9);
    expect(sampledTracesPerSecond(10)).toBeCloseTo(1 + 0.05 * 9, 9);
    const lines = estimateMonthlyCost(prod, { eventsPerSecond: 10 });
    const xray = find(lines, 'X-Ray', /traces/);
    expect(xray.monthlyUsd).toBeGreaterThan(18);
    expect(xray.monthlyUsd).toBeLessThan(40);
    expect(find(lines, 'VPC', /IPv4/).quantity).toBe(3 * HOURS_PER_MONTH);
    for (const item of [/access logs/, /flow logs/, /MSK broker logs/, /MWAA logs/])
      expect(find(lines, 'CloudWatch', item).monthlyUsd).toBeGreaterThan(0);
  });
});
