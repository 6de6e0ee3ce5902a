import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../bin/config/index.js';
import {
  type CostLine,
  estimateMonthlyCost,
  KEYSPACES_TABLES_PER_EVENT,
  summarize,
} from '../../local/cost/model.js';
import {
  HOURS_PER_MONTH,
  SECONDS_PER_MONTH,
  UNIT_PRICES,
  UNIT_PRICES_AS_OF,
} from '../../local/cost/unit-prices.js';

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
      730 * (UNIT_PRICES.mwaa.environmentHour['mw1.medium'] ?? Number.NaN),
      6,
    );
    expect(find(lines, 'VPC', /NAT/).quantity).toBe(3 * 730);
    // Multi-AZ doubles instance-hours and storage.
    expect(find(lines, 'RDS PostgreSQL', /Multi-AZ/).quantity).toBe(2 * 730);
  });

  it('charges Keyspaces one write unit per table per event at the given rate', () => {
    const perSecond = 25;
    const lines = estimateMonthlyCost(dev, { eventsPerSecond: perSecond, rowKb: 0.8 });
    const writes = find(lines, 'Keyspaces', /writes/);
    expect(writes.quantity).toBeCloseTo(
      (perSecond * SECONDS_PER_MONTH * KEYSPACES_TABLES_PER_EVENT) / 1e6,
      6,
    );
    expect(writes.monthlyUsd).toBeCloseTo(writes.quantity * 1.45, 6);
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
});
