// Tests planning/capacity/model.ts; also planning/capacity/limits.ts and planning/capacity/cli.ts (npm run capacity).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadStageConfig, type ResolvedStageConfig } from '../../../../bin/config/index.js';
import { LIMITS } from '../../../../planning/capacity/limits.js';
import {
  type CapacityInputs,
  cpuMicrosPerRecordFromBench,
  postgresMaxConnections,
  postgresWriteFigureFromBench,
  processorConcurrency,
  processorRecordsPerSecond,
  RDS_WRITE_CPU_SHARE,
  stageCapacity,
} from '../../../../planning/capacity/model.js';
import { repoRoot } from '../../../../tools/repo-root.js';
import { sampleBenchResults, sampleCeilingRun, sampleProcessorRun } from '../../../unit/bench/fixtures.js';

const dev = loadStageConfig('dev', {});
const prod = loadStageConfig('prod', {});
const run = promisify(execFile);

function withProcessor(config: ResolvedStageConfig, processor: Partial<ResolvedStageConfig['processor']>) {
  return { ...config, processor: { ...config.processor, ...processor } };
}

const POSTGRES = { upsertsPerCpuSecond: 20_000, basis: 'test figure' };
/** The model's inputs with a fixed PostgreSQL figure. */
const inputs = (rest: Omit<CapacityInputs, 'postgres'>): CapacityInputs => ({ postgres: POSTGRES, ...rest });
const ceilingNamed = (
  config: ResolvedStageConfig,
  name: RegExp,
  rest: Omit<CapacityInputs, 'postgres'> = { cpuMicrosPerRecord: 300 },
) => {
  const found = stageCapacity(config, inputs(rest)).ceilings.find((c) => name.test(c.name));
  if (!found) throw new Error(`no ceiling ${name}`);
  return found;
};

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'planning/capacity/cli.ts', ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('capacity model', () => {
  it('cites a source and a date for every limit, and every ceiling names its sources', () => {
    for (const [name, limit] of Object.entries(LIMITS)) {
      expect(limit.source, name).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(limit.asOf, name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    for (const config of [dev, prod])
      for (const ceiling of stageCapacity(config, inputs({ cpuMicrosPerRecord: 128 })).ceilings) {
        expect(ceiling.sources.length, ceiling.name).toBeGreaterThan(0);
        for (const source of ceiling.sources)
          expect(source, ceiling.name).toMatch(
            /^(https:\/\/docs\.aws\.amazon\.com\/|stage setting |estimate: |assumption: |processor CPU)/,
          );
      }
  });

  it('reads CPU per record from a bench result (worst processor run)', () => {
    const processor = (seconds: number, cpuPercent: number) =>
      sampleProcessorRun({
        events: 1000,
        seconds,
        processes: [{ name: 'processor', cpuPercent, peakRssMiB: 180 }],
      });
    const result = { at: 'x', processor: [processor(2, 50), processor(1, 40)] };
    expect(cpuMicrosPerRecordFromBench(result)).toBeCloseTo(1000, 6); // 0.5 × 2 s / 1000 records
    expect(() => cpuMicrosPerRecordFromBench({ at: 'y' })).toThrow(/no processor run/);
  });

  it('runs one invocation per partition at most, capped by reserved concurrency', () => {
    expect(processorConcurrency(dev)).toBe(6);
    expect(processorConcurrency(withProcessor(prod, { reservedConcurrency: 4 }))).toBe(4);
  });

  it('gives the processor CPU in proportion to memory (1,769 MiB = one vCPU)', () => {
    const p = processorRecordsPerSecond(
      withProcessor(dev, { memorySizeMiB: 1769, batchSize: 100 }),
      inputs({ cpuMicrosPerRecord: 1000, invocationOverheadMs: 100 }),
    );
    expect(p.vcpu).toBe(1);
    expect(p.invocationMs).toBeCloseTo(200, 6); // 100 ms round trips + 100 records × 1 ms
    expect(p.perInvocation).toBeCloseTo(500, 6);
  });

  it('names the binding limit and the setting that moves it', () => {
    // Without API traffic, one market on dev: 4 buckets × 1,000 WCU/s.
    const report = stageCapacity(dev, inputs({ cpuMicrosPerRecord: 300, apiShare: 0 }));
    expect(report.binding).toBe(report.ceilings[0]);
    // A slow processor binds before the stores; its setting names partitions, batch and memory.
    const slow = stageCapacity(
      dev,
      inputs({ cpuMicrosPerRecord: 20_000, apiShare: 0, busiestCountryShare: 0.1 }),
    ).binding;
    expect(slow.name).toMatch(/one invocation per partition|reserved concurrency/);
    expect(slow.setting).toMatch(/processor\./);
    // Through the API, the stage throttle (50 rps on dev) binds first.
    const api = stageCapacity(dev, inputs({ cpuMicrosPerRecord: 300 })).binding;
    expect(api.setting).toBe('api.throttleRateLimit');
    expect(api.eventsPerSecond).toBe(50);
    // Batches of users per request multiply it.
    expect(
      ceilingNamed(dev, /stage throttle/, { cpuMicrosPerRecord: 300, usersPerRequest: 10 }).eventsPerSecond,
    ).toBe(500);
  });

  it('spreads the busiest country over the buckets: buckets × 1,000 WCU/s over its share', () => {
    const partition = (config: ResolvedStageConfig, share: number) =>
      ceilingNamed(config, /day-table partition/, { cpuMicrosPerRecord: 128, busiestCountryShare: share })
        .eventsPerSecond;
    expect(partition(dev, 1)).toBe(4_000);
    expect(partition(prod, 1)).toBe(16_000);
    expect(partition(prod, 0.25)).toBe(64_000);
    // While a stage upgrades, its legacy table still holds a (day, country) in one partition: 1,000/s.
    const upgrading = { ...prod, signupDayTable: { buckets: 16, legacyTable: 'dual-write' as const } };
    expect(ceilingNamed(upgrading, /legacy users_by_signup_day/).eventsPerSecond).toBe(1_000);
    expect(() => ceilingNamed(prod, /legacy users_by_signup_day/)).toThrow(/no ceiling/);
  });

  it('bounds the processor by one invocation per partition and by reserved concurrency, separately', () => {
    const perPartition = (config: ResolvedStageConfig) =>
      ceilingNamed(config, /one invocation per partition/).eventsPerSecond;
    const reserved = (config: ResolvedStageConfig) =>
      ceilingNamed(config, /reserved concurrency/).eventsPerSecond;
    const per = processorRecordsPerSecond(prod, inputs({ cpuMicrosPerRecord: 300 })).perInvocation;
    expect(perPartition(prod)).toBeCloseTo(12 * per, 6);
    expect(reserved(withProcessor(prod, { reservedConcurrency: 4 }))).toBeCloseTo(4 * per, 6);
    // batch / (CPU + round trips): a bigger batch carries more per invocation.
    expect(perPartition(withProcessor(prod, { batchSize: 1000 }))).toBeGreaterThan(perPartition(prod));
  });

  it('gives the API account throttle and Lambda account concurrency from the account quotas', () => {
    expect(ceilingNamed(prod, /account throttle/).eventsPerSecond).toBe(15_000);
    expect(ceilingNamed(dev, /account throttle/).eventsPerSecond).toBe(LIMITS.apiGatewayAccountRps.value);
    // (1,000 − the processor's 12 reserved) executions / 60 ms per ingest-http request.
    expect(ceilingNamed(prod, /Lambda account concurrency/).eventsPerSecond).toBeCloseTo(988 / 0.06, 6);
    expect(
      ceilingNamed(prod, /Lambda account concurrency/, { cpuMicrosPerRecord: 300, httpMs: 120 })
        .eventsPerSecond,
    ).toBeCloseTo(988 / 0.12, 6);
  });

  it('estimates RDS writes from upserts per CPU-second × the class vCPUs × the write share', () => {
    expect(ceilingNamed(prod, /RDS PostgreSQL writes/).eventsPerSecond).toBe(
      20_000 * 2 * RDS_WRITE_CPU_SHARE,
    );
    const bigger = { ...prod, database: { ...prod.database, instanceType: 'm7g.xlarge' } };
    expect(ceilingNamed(bigger, /RDS PostgreSQL writes/).eventsPerSecond).toBe(
      20_000 * 4 * RDS_WRITE_CPU_SHARE,
    );
    expect(ceilingNamed(prod, /RDS PostgreSQL writes/).name).toMatch(/estimate/);
  });

  it('reads the PostgreSQL figure from the bench: the measured upsert, else a labelled lower bound', () => {
    const upsertCeiling = (rowsPerServerCpuSecond: number, serverCpuPercent: number) =>
      sampleCeilingRun({
        postgresUpsert: {
          rowsPerSecond: rowsPerServerCpuSecond * (serverCpuPercent / 100),
          serverCpuPercent,
          rowsPerServerCpuSecond,
          walBytesPerRow: 400,
          connections: 4,
          rowsPerStatement: 500,
        },
      });
    const measured = postgresWriteFigureFromBench({
      at: 'a',
      ceilings: [upsertCeiling(50_000, 40), upsertCeiling(45_000, 42)],
    });
    expect(measured?.upsertsPerCpuSecond).toBe(45_000);
    expect(measured?.basis).toMatch(/upsert/);
    const older = postgresWriteFigureFromBench({
      at: 'b',
      machine: { ...sampleBenchResults().machine, cpus: 2 },
      ceiling: sampleCeilingRun({ postgresAloneRecordsPerSecond: 60_000 }),
    });
    expect(older?.upsertsPerCpuSecond).toBe(30_000);
    expect(older?.basis).toMatch(/lower bound/);
    expect(postgresWriteFigureFromBench({ at: 'c' })).toBeUndefined();
  });

  it('counts Keyspaces connections per host and the database connections the processor pools need', () => {
    const ceiling = (config: ResolvedStageConfig) => ceilingNamed(config, /per connection/);
    // 6 invocations × 2 hosts × 1 connection × 3,000 requests/s / 4 requests per event (2 stored-state reads,
    // 2 table writes).
    expect(ceiling(dev).eventsPerSecond).toBe(9_000);
    expect(ceiling(withProcessor(dev, { keyspacesConnectionsPerHost: 3 })).eventsPerSecond).toBe(27_000);
    // During the upgrade every event is 5 requests (the legacy table too).
    expect(
      ceiling({ ...dev, signupDayTable: { buckets: 4, legacyTable: 'dual-write' } }).eventsPerSecond,
    ).toBe(7_200);
    expect(postgresMaxConnections(dev)).toBe(112); // 1 GiB / 9,531,392 bytes
    const wide = {
      ...withProcessor(dev, { reservedConcurrency: 100 }),
      topic: { ...dev.topic, partitions: 100 },
    };
    const starved = stageCapacity(wide, inputs({ cpuMicrosPerRecord: 300 })).ceilings;
    const rds = starved.find((c) => /connections/.test(c.name) && /RDS/.test(c.name));
    const processor = starved.find((c) => /one invocation per partition/.test(c.name));
    // 100 pools of 2 need 200 connections; 112 exist: the processor can use 112 / 200 of its throughput.
    expect(rds?.eventsPerSecond).toBeCloseTo((processor?.eventsPerSecond ?? Number.NaN) * (112 / 200), 6);
    expect(ceilingNamed(dev, /RDS Proxy/).eventsPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  it('notes what binds only in a transition: a new table, WAF per client IP', () => {
    const notes = (rate: number) =>
      stageCapacity(prod, inputs({ cpuMicrosPerRecord: 128 }), rate).notes.join('\n');
    expect(notes(1_000)).not.toMatch(/new on-demand/);
    expect(notes(10_000)).toMatch(/new on-demand Keyspaces table takes 4,000 writes\/s/);
    expect(notes(10_000)).toMatch(/10 or more client IPs/);
  });
});

describe('npm run capacity', () => {
  it('carries prod at 10,000 events/s, one market, with no WARNING and every limit sourced (exit 0)', async () => {
    const { code, stdout } = await cli('--stage', 'prod', '--events-per-second', '10000');
    expect(stdout).not.toMatch(/WARNING/);
    expect(stdout).toMatch(/^OK: 10000 events\/s fits/m);
    expect(code).toBe(0);
    for (const wall of [
      /API Gateway stage throttle/,
      /API Gateway account throttle/,
      /Keyspaces day-table partition/,
      /Keyspaces table write throughput/,
      /RDS PostgreSQL writes \(estimate\)/,
      /ESM: one invocation per partition/,
      /ESM pollers/,
      /Lambda reserved concurrency/,
      /Lambda account concurrency/,
    ])
      expect(stdout).toMatch(wall);
    expect(stdout.match(/source: /g)?.length ?? 0).toBeGreaterThanOrEqual(11);
  });

  it('warns with the setting to change and exits 1 when the stage cannot carry the rate', async () => {
    const { code, stdout } = await cli('--stage', 'dev', '--events-per-second', '200');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /Stage dev carries about 50 events\/s; the first limit to bind: API Gateway stage throttle/,
    );
    expect(stdout).toMatch(
      /WARNING: stage dev cannot carry 200 events\/s: .*Change api\.throttleRateLimit\./,
    );
    // One market at 5,000/s through a feed that batches 100 users per request: dev's 4 buckets bind.
    const skewed = await cli(
      '--stage',
      'dev',
      '--events-per-second',
      '5000',
      '--users-per-request',
      '100',
      '--busiest-country-share',
      '1',
    );
    expect(skewed.stdout).toMatch(
      /WARNING: .*Keyspaces day-table partition \(busiest country\) caps it at 4,000\/s/,
    );
  });

  it('prints usage on --help and one line naming the flag, then usage, exit 2 on bad flags', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run capacity/);
    for (const [args, flag] of [
      [['--stage', 'qa', '--events-per-second', '1'], '--stage'],
      [['--stage', 'dev', '--events-per-second', '-3'], '--events-per-second'],
      [['--stage', 'dev', '--events-per-second', '1', '--bogus'], '--bogus'],
      [
        ['--stage', 'dev', '--events-per-second', '1', '--busiest-country-share', '0'],
        '--busiest-country-share',
      ],
    ] as const) {
      const bad = await cli(...args);
      expect(bad.code).toBe(2);
      const [first, second] = bad.stderr.split('\n');
      expect(first).toContain(flag);
      expect(second).toMatch(/^usage: /);
    }
  });
});
