import { describe, expect, it } from 'vitest';
import { evaluateGoals } from '../../../bench/lib/goals.js';
import type { BenchResults } from '../../../bench/lib/results.js';
import {
  latency,
  sampleBenchResults,
  sampleBundle,
  sampleCeilingRun,
  sampleEndToEndRun,
  sampleProcessorRun,
} from './fixtures.js';

/** The goal whose name starts with `prefix`, evaluated on the fixture with `overrides`. */
function goal(prefix: string, overrides: Partial<BenchResults>) {
  const { goals: _ignored, ...inputs } = sampleBenchResults(overrides);
  const found = evaluateGoals(inputs).find((g) => g.goal.startsWith(prefix));
  if (!found) throw new Error(`no goal starts with ${prefix}`);
  return found;
}

describe('evaluateGoals', () => {
  it('compares the best processor run with the ceiling', () => {
    const ceiling = sampleCeilingRun({ recordsPerSecond: 4_000 });
    const met = goal('Processor throughput', {
      ceiling,
      processor: [
        sampleProcessorRun({ recordsPerSecond: 1_000 }),
        sampleProcessorRun({ recordsPerSecond: 3_400, batchSize: 1_000, partitions: 6 }),
      ],
    });
    expect(met.met).toBe(true);
    expect(met.measured).toContain('3,400/s at batch 1,000, 6 partition(s) = 0.85 × 4,000/s');

    const missed = goal('Processor throughput', {
      ceiling,
      processor: [sampleProcessorRun({ recordsPerSecond: 3_000 })],
    });
    expect(missed.met).toBe(false);
    expect(missed.measured).toContain('0.75 ×');
  });

  it('judges end-to-end latency at 2,000 events/s only, and fails it when events went unconfirmed', () => {
    const fast = sampleEndToEndRun({ offeredPerSecond: 2_000, latencyMs: latency(80, 150, 420, 600) });
    expect(goal('End-to-end', { endToEnd: [fast] }).met).toBe(true);
    expect(goal('End-to-end', { endToEnd: [{ ...fast, unconfirmed: 3 }] }).met).toBe(false);
    const slowAt500 = sampleEndToEndRun({ offeredPerSecond: 500, latencyMs: latency(80, 150, 900, 1_000) });
    expect(goal('End-to-end', { endToEnd: [slowAt500, fast] }).met).toBe(true);
    expect(goal('End-to-end', { endToEnd: [slowAt500] }).measured).toBe('not run');
  });

  it('uses the code size, not the source map, for the bundle goal', () => {
    const bundle = sampleBundle({ functionName: 'processor', bytes: 1_400_000, codeBytes: 480 * 1024 });
    const bundleGoal = goal('Processor bundle', {
      bundles: [{ ...bundle, coldInitMs: { median: 60, min: 50, max: 70 } }],
    });
    expect(bundleGoal.met).toBe(true);
    expect(bundleGoal.measured).toContain('480.0 KB of code');
  });

  it('takes the highest processor RSS among runs at batch size 1,000', () => {
    const goal = evaluateGoals(
      sampleBenchResults({
        processor: [
          sampleProcessorRun({ batchSize: 1_000, partitions: 1, processorPeakRssMiB: 200 }),
          sampleProcessorRun({ batchSize: 1_000, partitions: 6, processorPeakRssMiB: 300 }),
          sampleProcessorRun({ batchSize: 10_000, partitions: 6, processorPeakRssMiB: 900 }),
        ],
      }),
    ).find((g) => g.goal.startsWith('Processor peak RSS'));
    expect(goal?.measured).toMatch(/^300 MiB/);
    expect(goal?.met).toBe(false);
  });

  it('reports a goal whose run was skipped as not met and not run', () => {
    const goals = evaluateGoals(sampleBenchResults({ recordCpu: null, ceiling: null }));
    const cpu = goals.find((g) => g.goal.startsWith('Decode'));
    expect(cpu).toMatchObject({ measured: 'not run', met: false });
    expect(goals.find((g) => g.goal.startsWith('Processor throughput'))?.measured).toBe('not run');
  });
});
