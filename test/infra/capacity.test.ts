import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadStageConfig, type ResolvedStageConfig } from '../../bin/config/index.js';
import { LIMITS } from '../../local/capacity/limits.js';
import {
  cpuMicrosPerRecordFromBench,
  postgresMaxConnections,
  processorConcurrency,
  processorRecordsPerSecond,
  stageCapacity,
} from '../../local/capacity/model.js';

const dev = loadStageConfig('dev', {});
const prod = loadStageConfig('prod', {});
const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

function withProcessor(config: ResolvedStageConfig, processor: Partial<ResolvedStageConfig['processor']>) {
  return { ...config, processor: { ...config.processor, ...processor } };
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'local/capacity/cli.ts', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('capacity model', () => {
  it('cites a source and a date for every limit', () => {
    for (const [name, limit] of Object.entries(LIMITS)) {
      expect(limit.source, name).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(limit.asOf, name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('reads CPU per record from a bench result (worst processor run)', () => {
    const result = {
      at: 'x',
      processor: [
        { events: 1000, seconds: 2, processes: [{ name: 'processor', cpuPercent: 50 }] },
        { events: 1000, seconds: 1, processes: [{ name: 'processor', cpuPercent: 40 }] },
      ],
    };
    expect(cpuMicrosPerRecordFromBench(result)).toBeCloseTo(1000, 6); // 0.5 × 2 s / 1000 records
    expect(() => cpuMicrosPerRecordFromBench({ at: 'y' })).toThrow(/no processor run/);
  });

  it('runs one invocation per partition at most, capped by reserved concurrency', () => {
    expect(processorConcurrency(dev)).toBe(6);
    expect(processorConcurrency(withProcessor(prod, { reservedConcurrency: 4 }))).toBe(4);
  });

  it('gives the processor CPU in proportion to memory (1,769 MiB = one vCPU)', () => {
    const p = processorRecordsPerSecond(withProcessor(dev, { memorySizeMiB: 1769, batchSize: 100 }), {
      cpuMicrosPerRecord: 1000,
      invocationOverheadMs: 100,
    });
    expect(p.vcpu).toBe(1);
    expect(p.invocationMs).toBeCloseTo(200, 6); // 100 ms round trips + 100 records × 1 ms
    expect(p.perInvocation).toBeCloseTo(500, 6);
  });

  it('names the binding limit and the setting that moves it', () => {
    const inputs = { cpuMicrosPerRecord: 300, apiShare: 0 };
    const report = stageCapacity(dev, inputs);
    expect(report.binding).toBe(report.ceilings[0]);
    expect(report.binding.name).toMatch(/users_by_signup_day partition/);
    expect(report.binding.eventsPerSecond).toBe(1000);
    // Through the API, the stage throttle (50 rps on dev) binds first.
    const api = stageCapacity(dev, { cpuMicrosPerRecord: 300 }).binding;
    expect(api.setting).toBe('api.throttleRateLimit');
    expect(api.eventsPerSecond).toBe(50);
    // A slow processor binds before the stores; its setting names concurrency and memory.
    const slow = stageCapacity(dev, {
      cpuMicrosPerRecord: 20_000,
      apiShare: 0,
      topCountryShare: 0.1,
    }).binding;
    expect(slow.name).toMatch(/processor/);
    expect(slow.setting).toMatch(/processor\.memorySizeMiB/);
  });

  it('counts Keyspaces connections per host and the database connections the processor pools need', () => {
    const ceiling = (config: ResolvedStageConfig) =>
      stageCapacity(config, { cpuMicrosPerRecord: 300 }).ceilings.find((c) => /per connection/.test(c.name));
    // 6 invocations × 2 hosts × 1 connection × 3,000 requests/s / 2 requests per event.
    expect(ceiling(dev)?.eventsPerSecond).toBe(18_000);
    expect(ceiling(withProcessor(dev, { keyspacesConnectionsPerHost: 3 }))?.eventsPerSecond).toBe(54_000);
    expect(postgresMaxConnections(dev)).toBe(112); // 1 GiB / 9,531,392 bytes
    const wide = {
      ...withProcessor(dev, { reservedConcurrency: 100 }),
      topic: { ...dev.topic, partitions: 100 },
    };
    const starved = stageCapacity(wide, { cpuMicrosPerRecord: 300 }).ceilings;
    const rds = starved.find((c) => /RDS/.test(c.name));
    const processor = starved.find((c) => /processor/.test(c.name));
    // 100 pools of 2 need 200 connections; 112 exist: the processor can use 112 / 200 of its throughput.
    expect(rds?.eventsPerSecond).toBeCloseTo((processor?.eventsPerSecond ?? Number.NaN) * (112 / 200), 6);
    const fits = stageCapacity(dev, { cpuMicrosPerRecord: 300 }).ceilings.find((c) => /RDS/.test(c.name));
    expect(fits?.eventsPerSecond).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('npm run capacity', () => {
  it('prints every ceiling and warns with the setting to change when the stage cannot carry the rate', async () => {
    const { code, stdout } = await cli('--stage', 'dev', '--events-per-second', '200');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Stage dev carries about 50 events\/s; the first limit to bind: API Gateway throttling/,
    );
    expect(stdout).toMatch(
      /WARNING: stage dev cannot carry 200 events\/s: .*Change api\.throttleRateLimit\./,
    );
    const ok = await cli('--stage', 'prod', '--events-per-second', '100');
    expect(ok.stdout).toMatch(/^OK: 100 events\/s fits/m);
    expect(ok.stdout).not.toMatch(/WARNING/);
  });

  it('prints usage on --help and one line naming the flag, then usage, exit 2 on bad flags', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run capacity/);
    for (const [args, flag] of [
      [['--stage', 'qa', '--events-per-second', '1'], '--stage'],
      [['--stage', 'dev', '--events-per-second', '-3'], '--events-per-second'],
      [['--stage', 'dev', '--events-per-second', '1', '--bogus'], '--bogus'],
    ] as const) {
      const bad = await cli(...args);
      expect(bad.code).toBe(2);
      const [first, second] = bad.stderr.split('\n');
      expect(first).toContain(flag);
      expect(second).toMatch(/^usage: /);
    }
  });
});
