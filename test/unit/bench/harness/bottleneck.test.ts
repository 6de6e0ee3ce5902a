// Tests bench/harness/bottleneck.ts; also bench/harness/args.ts, bench/harness/process-sampler.ts and the percentiles of bench/scenarios/end-to-end.ts and store-ceiling.ts.
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchArgs } from '../../../../bench/harness/args.js';
import { findBottleneck } from '../../../../bench/harness/bottleneck.js';
import { parseMachineStat, parseProcStat } from '../../../../bench/harness/process-sampler.js';
import { percentilesOf } from '../../../../bench/scenarios/end-to-end.js';
import { multiRowInsert } from '../../../../bench/scenarios/store-ceiling.js';
import { USER_COLUMN_NAMES } from '../../../../lambdas/processor/sinks/postgres/postgres-sink.js';

describe('parseProcStat', () => {
  it('reads ppid, utime + stime and rss after a command name holding spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ... rss(24th)
    const fields = ['S', '42', '1', '1', '0', '-1', '0', '10', '0', '0', '0', '150', '25'];
    const rest = ['0', '0', '20', '0', '4', '0', '123', '456789', '2048', '18446744073709551615'];
    const stat = parseProcStat(`1234 (java (cassandra) x) ${[...fields, ...rest].join(' ')}`);
    expect(stat).toEqual({ ppid: 42, cpuTicks: 175, rssPages: 2048 });
  });
});

describe('parseMachineStat', () => {
  it('counts idle and iowait as not busy', () => {
    const { busy, total } = parseMachineStat('cpu  100 5 50 800 45 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n');
    expect(total).toBe(1000);
    expect(busy).toBe(155);
  });
});

describe('findBottleneck', () => {
  const base = { cores: 2, singleThreaded: ['processor'], waitsOn: 'store round trips' };

  it('names the machine when all cores are busy, with the top consumers and the rest', () => {
    const result = findBottleneck({
      ...base,
      machineCpuPercent: 97,
      processes: [
        { name: 'cassandra', cpuPercent: 120, peakRssMiB: 1500 },
        { name: 'processor', cpuPercent: 40, peakRssMiB: 200 },
      ],
    });
    expect(result.label).toBe('machine CPU');
    expect(result.explanation).toContain('cassandra 120 %, processor 40 %');
    expect(result.explanation).toContain('everything else (kernel, other processes) 34 %');
  });

  it('names a saturated single-threaded process when the machine is not saturated', () => {
    const result = findBottleneck({
      ...base,
      machineCpuPercent: 60,
      processes: [
        { name: 'cassandra', cpuPercent: 95, peakRssMiB: 1500 },
        { name: 'processor', cpuPercent: 98, peakRssMiB: 200 },
      ],
    });
    // Cassandra is multi-threaded: 95 % of one core is not its limit.
    expect(result.label).toBe('one core (processor)');
  });

  it('says what the run waits on when nothing is saturated', () => {
    const result = findBottleneck({
      ...base,
      machineCpuPercent: 30,
      processes: [{ name: 'processor', cpuPercent: 35, peakRssMiB: 200 }],
    });
    expect(result.label).toBe('latency-bound');
    expect(result.explanation).toContain('waits on store round trips');
  });
});

describe('parseBenchArgs', () => {
  it('defaults to the figures the issue asks for', () => {
    const p = parseBenchArgs([]);
    expect(p.events).toBe(100_000);
    expect(p.batchSizes).toEqual([100, 1_000, 10_000]);
    expect(p.partitions).toEqual([1, 3, 6]);
    // Issue 21: each stage's own settings at 10 and 1,000 events/s; a backlog of a million.
    expect(p.rates).toEqual([10, 1_000]);
    expect(p.e2eStages).toEqual(['dev', 'prod']);
    expect([p.e2eBatchSize, p.e2eBatchWindowMs]).toEqual([undefined, undefined]);
    expect([p.drainEvents, p.drainStage]).toEqual([1_000_000, 'dev']);
    expect(p.bundleSamples).toBe(10);
    expect(p.only).toEqual(['processor', 'ceiling', 'http', 'e2e', 'cpu', 'bundles', 'console', 'drain']);
    expect(p.consoleRate).toBe(500);
    expect(p.consoleSeconds).toBe(30);
    // A million users in the tables before the console runs, 24 rounds: off-on, on-off, off-on, …
    expect([p.consolePreload, p.consoleRounds]).toEqual([1_000_000, 24]);
  });

  it('--only console runs the console cost alone; --quick keeps it small', () => {
    expect(parseBenchArgs(['--only', 'console']).only).toEqual(['console']);
    const quick = parseBenchArgs(['--quick']);
    expect(quick.only).toContain('console');
    expect(quick.consoleRate).toBe(200);
    expect(quick.consoleSeconds).toBe(8);
    expect([quick.consolePreload, quick.consoleRounds]).toEqual([5_000, 2]);
    const explicit = parseBenchArgs([
      '--quick',
      '--console-rate',
      '500',
      '--console-seconds',
      '12',
      '--console-preload',
      '20000',
      '--console-rounds',
      '3',
    ]);
    expect([
      explicit.consoleRate,
      explicit.consoleSeconds,
      explicit.consolePreload,
      explicit.consoleRounds,
    ]).toEqual([500, 12, 20_000, 3]);
  });

  it('--quick shrinks the defaults while explicit flags still win', () => {
    const p = parseBenchArgs(['--quick', '--events', '7000']);
    expect(p.events).toBe(7_000);
    expect(p.drainEvents).toBe(20_000);
    expect(parseBenchArgs(['--e2e-stages', 'prod', '--e2e-batch-window-ms', '200']).e2eStages).toEqual([
      'prod',
    ]);
    expect(parseBenchArgs(['--e2e-batch-window-ms', '200']).e2eBatchWindowMs).toBe(200);
    expect(p.partitions).toEqual([1, 3]);
    expect(p.httpSeconds).toBe(3);
  });

  it.each([
    [['--batch-sizes', '100,x'], /--batch-sizes must be whole numbers/],
    [['--e2e-stages', 'dev,qa'], /--e2e-stages takes a list of dev, prod/],
    [['--drain-stage', 'dev,prod'], /--drain-stage takes one of dev, prod/],
    [['--drain-events', '0'], /--drain-events must be a whole number/],
    [['--batch-sizes', '20000'], /may not exceed 10000/],
    [['--events', '0'], /--events must be a whole number from 1/],
    [['--only', 'cpu,disk'], /unknown: disk/],
    [['--rates', ''], /--rates must be whole numbers/],
    [['--console-rate', '0'], /--console-rate must be a whole number from 1 to 5000, got "0"/],
    [['--console-rate', '2.5'], /--console-rate must be a whole number/],
    [['--console-seconds', '601'], /--console-seconds must be a whole number from 1 to 600, got "601"/],
    [['--console-preload', '1.5'], /--console-preload must be a whole number from 0 to 10000000, got "1.5"/],
    [['--console-rounds', '0'], /--console-rounds must be a whole number from 1 to 30, got "0"/],
    [['--console-rounds', '31'], /--console-rounds must be a whole number from 1 to 30, got "31"/],
  ])('rejects %j naming the flag', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('rejects an unknown flag', () => {
    expect(() => parseBenchArgs(['--evnets', '5'])).toThrow(/evnets/);
  });
});

describe('percentilesOf', () => {
  it('turns a histogram of microseconds into millisecond percentiles', () => {
    const histogram = hdr.build({ numberOfSignificantValueDigits: 3 });
    for (let ms = 1; ms <= 100; ms++) histogram.recordValue(ms * 1000);
    const p = percentilesOf(histogram);
    expect(p.p50).toBeCloseTo(50, 0);
    expect(p.p90).toBeCloseTo(90, 0);
    expect(p.p99).toBeCloseTo(99, 0);
    expect(p.max).toBeCloseTo(100, 0);
  });
});

describe('multiRowInsert', () => {
  it('numbers the parameters row by row', () => {
    const sql = multiRowInsert(2);
    const width = USER_COLUMN_NAMES.length;
    expect(sql).toMatch(/^insert into users \(user_id, first_name, .*nationality\) values /);
    expect(sql).toContain('($1, $2,');
    expect(sql).toContain(`$${width}), ($${width + 1}, $${width + 2},`);
    expect(sql.endsWith(`$${2 * width})`)).toBe(true);
  });
});
