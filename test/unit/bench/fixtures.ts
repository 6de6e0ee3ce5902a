import type {
  BacklogDrainRun,
  BenchResults,
  Bottleneck,
  BundleFigure,
  CeilingRun,
  ConsoleCost,
  ConsoleRun,
  EndToEndRun,
  GoalVerdict,
  HttpRun,
  LatencyPercentiles,
  ProcessorRun,
  ProcessUsage,
  StoreReadsCost,
} from '../../../bench/harness/results.js';

/**
 * Realistic `BenchResults` for renderer and report tests, shaped like a run on the 2-core development box.
 * Every builder takes overrides, so a test states only what it depends on.
 */

const CEILING_RECORDS_PER_SECOND = 4190;

const PROCESSOR_BOTTLENECK: Bottleneck = {
  label: 'one core (processor)',
  explanation: 'processor at 97% of one core while the machine was 71% busy; the stores had headroom.',
};

/** Small batches pay the per-invocation round trips instead of saturating a core. */
const SMALL_BATCH_BOTTLENECK: Bottleneck = {
  label: 'latency-bound',
  explanation:
    'no process above 62% of one core; 200 invocations of 100 records each wait on store round trips.',
};

function processes(processor: number, postgres: number, cassandra: number, kafka: number): ProcessUsage[] {
  return [
    { name: 'processor', cpuPercent: processor, peakRssMiB: 182 },
    { name: 'postgres', cpuPercent: postgres, peakRssMiB: 96 },
    { name: 'cassandra', cpuPercent: cassandra, peakRssMiB: 1310 },
    { name: 'kafka', cpuPercent: kafka, peakRssMiB: 540 },
  ];
}

export function sampleProcessorRun(overrides: Partial<ProcessorRun> = {}): ProcessorRun {
  return {
    batchSize: 500,
    partitions: 3,
    events: 20_000,
    seconds: 11.36,
    recordsPerSecond: 1760,
    invocations: 42,
    failedInvocations: 0,
    processorPeakRssMiB: 182.4,
    ratioToCeiling: 0.42,
    processes: processes(97, 31, 38, 6),
    machineCpuPercent: 71,
    bottleneck: PROCESSOR_BOTTLENECK,
    ...overrides,
  };
}

export function sampleCeilingRun(overrides: Partial<CeilingRun> = {}): CeilingRun {
  return {
    events: 20_000,
    seconds: 4.77,
    recordsPerSecond: CEILING_RECORDS_PER_SECOND,
    postgresAloneRecordsPerSecond: 11_820,
    cassandraAloneRecordsPerSecond: 5230,
    method: '4 connections × 1,000-row multi-row INSERT; 512 concurrent prepared',
    processes: [
      { name: 'load generator', cpuPercent: 64, peakRssMiB: 150 },
      { name: 'postgres', cpuPercent: 42, peakRssMiB: 98 },
      { name: 'cassandra', cpuPercent: 88, peakRssMiB: 1320 },
    ],
    machineCpuPercent: 97,
    bottleneck: {
      label: 'machine CPU',
      explanation: 'both cores 97% busy; Cassandra alone took 88% of one core.',
    },
    ...overrides,
  };
}

export function sampleHttpRun(overrides: Partial<HttpRun> = {}): HttpRun {
  return {
    connections: 32,
    usersPerRequest: 1,
    durationSeconds: 20,
    requests: 61_240,
    requestsPerSecond: 3062,
    latencyMs: latency(8.4, 15.2, 31.7, 88.1),
    non2xx: 0,
    errors: 0,
    processes: [
      { name: 'http-api', cpuPercent: 99, peakRssMiB: 120 },
      { name: 'kafka', cpuPercent: 35, peakRssMiB: 560 },
      { name: 'load generator', cpuPercent: 48, peakRssMiB: 90 },
    ],
    machineCpuPercent: 92,
    bottleneck: { label: 'one core (http-api)', explanation: 'http-api at 99% of one core.' },
    ...overrides,
    // Consistent with the overrides unless a test sets it.
    usersPerSecond:
      overrides.usersPerSecond ?? (overrides.requestsPerSecond ?? 3062) * (overrides.usersPerRequest ?? 1),
  };
}

export function sampleEndToEndRun(overrides: Partial<EndToEndRun> = {}): EndToEndRun {
  return {
    offeredPerSecond: 500,
    achievedPerSecond: 498,
    rejected: 0,
    events: 14_940,
    latencyMs: latency(118, 204, 361, 742),
    unconfirmed: 0,
    trackedUsers: 1_500,
    batchWindowMs: 100,
    processes: processes(41, 14, 22, 9),
    machineCpuPercent: 48,
    bottleneck: {
      label: 'latency-bound',
      explanation: 'no process above 41% of one core; latency is the 100 ms batch window plus polling.',
    },
    ...overrides,
  };
}

/**
 * A backlog drain of 300,000 events with dev's mapping: every record stored, memory flat; the third container
 * took too few invocations to be judged.
 */
export function sampleBacklogDrain(overrides: Partial<BacklogDrainRun> = {}): BacklogDrainRun {
  const flat = { slopeMiBPerMinute: 0.4, growthMiB: 0.3, samples: 20 };
  return {
    stage: 'dev',
    events: 300_000,
    partitions: 6,
    batchSize: 100,
    batchWindowMs: 1_000,
    produceRatePerSecond: 40_000,
    seconds: 300,
    drainRatePerSecond: 1_000,
    records: 300_000,
    invocations: 3_000,
    failedInvocations: 0,
    failedRecords: 0,
    rows: { postgres: 300_000, cassandra: { created_users: 300_000, users_by_signup_day_bucketed: 300_000 } },
    containers: [
      {
        peakRssMiB: 180,
        invocations: 1_600,
        secondHalf: flat,
        samples: [
          [0, 150, 1],
          [300, 151, 1_600],
        ],
      },
      {
        peakRssMiB: 176.5,
        invocations: 1_200,
        secondHalf: flat,
        samples: [
          [0, 149, 1],
          [300, 149, 1_200],
        ],
      },
      {
        peakRssMiB: 120,
        invocations: 200,
        secondHalf: { slopeMiBPerMinute: 12, growthMiB: 40, samples: 30 },
        samples: [
          [250, 60, 1],
          [300, 120, 200],
        ],
      },
    ],
    bridge: { secondHalf: flat },
    processes: processes(41, 14, 22, 9),
    machineCpuPercent: 48,
    bottleneck: { label: 'machine CPU', explanation: 'all 2 cores were 100 % busy.' },
    ...overrides,
  };
}

export function sampleBundle(overrides: Partial<BundleFigure> = {}): BundleFigure {
  return {
    functionName: 'processor',
    bytes: 1_268_531,
    codeBytes: 523_264,
    coldInitMs: { median: 212.4, min: 198.1, max: 260.9 },
    samples: 10,
    ...overrides,
  };
}

/**
 * The console scenario at 500 users/s for 30 s over a million stored users, two rounds interleaved: 2.1 points
 * more of the project's CPU with the console on (medians), 0.6 of them its own.
 */
/**
 * Three rounds on a machine whose speed differs in every run: the stores' CPU scales with it (80 points at
 * speed 1), the pipeline's too (40 points), and the console adds `pipeline` to the pipeline and `stores` to
 * the stores. The raw differences swing by tens of points; at equal speed only the console's is left.
 */
export function speedVaryingRuns(
  pipeline: number,
  stores: number,
  speeds: readonly (readonly [on: number, off: number])[] = [
    [1, 1.2],
    [1.1, 0.9],
    [0.95, 1.05],
  ],
): ConsoleRun[] {
  return speeds.flatMap(([on, off], i) =>
    (['on', 'off'] as const).map((setting) => {
      const speed = setting === 'on' ? on : off;
      const [p, s] = [
        40 * speed + (setting === 'on' ? pipeline : 0),
        80 * speed + (setting === 'on' ? stores : 0),
      ];
      return {
        console: setting,
        round: i + 1,
        cpuPercent: p,
        projectCpuPercent: p + s,
        processCpuPercent: { pipeline: p, cassandra: s },
        machineCpuPercent: 60,
        peakRssMiB: 300,
        acceptedUsers: 15_000,
        seconds: 30,
      };
    }),
  );
}

/** The stores' side of the console's reads, measured in two pairs of windows. */
export function sampleStoreReads(overrides: Partial<StoreReadsCost> = {}): StoreReadsCost {
  return {
    windowSeconds: 10,
    snapshotsPerSecond: 10,
    consoleIntervalMs: 5_000,
    windows: [
      {
        pair: 1,
        reads: true,
        snapshots: 100,
        seconds: 10,
        storesCpuPercent: 55.5,
        processCpuPercent: { cassandra: 55.5 },
      },
      {
        pair: 1,
        reads: false,
        snapshots: 0,
        seconds: 10,
        storesCpuPercent: 50,
        processCpuPercent: { cassandra: 50 },
      },
      {
        pair: 2,
        reads: false,
        snapshots: 0,
        seconds: 10,
        storesCpuPercent: 52,
        processCpuPercent: { cassandra: 52 },
      },
      {
        pair: 2,
        reads: true,
        snapshots: 90,
        seconds: 10,
        storesCpuPercent: 57.1,
        processCpuPercent: { cassandra: 57.1 },
      },
    ],
    acceptedUsers: 20_000,
    offeredUsers: 20_000,
    perSnapshotCpuMs: 5.58,
    percent: 0.11,
    upperBoundPercent: 0.13,
    ...overrides,
  };
}

export function sampleConsoleCost(overrides: Partial<ConsoleCost> = {}): ConsoleCost {
  const run = (setting: 'off' | 'on', round: number, projectCpuPercent: number, cpuPercent: number) => ({
    console: setting,
    round,
    cpuPercent,
    projectCpuPercent,
    machineCpuPercent: setting === 'off' ? 61.2 : 63,
    peakRssMiB: setting === 'off' ? 310.5 : 322.8,
    acceptedUsers: 15_000,
    seconds: setting === 'off' ? 30.1 : 30.2,
  });
  return {
    ratePerSecond: 500,
    seconds: 30,
    offeredUsers: 15_000,
    pollIntervalMs: 2_000,
    preloadedUsers: 1_000_000,
    runs: [
      run('off', 1, 80.1, 38.2),
      run('on', 1, 82.1, 40.4),
      run('on', 2, 82.7, 40.6),
      run('off', 2, 80.5, 38.6),
    ],
    off: {
      cpuPercent: 38.4,
      projectCpuPercent: 80.3,
      machineCpuPercent: 61.2,
      peakRssMiB: 310.5,
      acceptedUsers: 15_000,
      seconds: 30.1,
    },
    on: {
      cpuPercent: 40.5,
      projectCpuPercent: 82.4,
      machineCpuPercent: 63,
      peakRssMiB: 322.8,
      acceptedUsers: 15_000,
      seconds: 30.2,
    },
    cpuDifferencePercent: 2.1,
    roundDifferencesPercent: [2, 2.2],
    differenceUpperBoundPercent: 2.7,
    consoleOwnCpuPercent: 0.6,
    ...overrides,
  };
}

export function sampleGoal(overrides: Partial<GoalVerdict> = {}): GoalVerdict {
  return {
    goal: 'Decode + validate + transform',
    target: '≤ 50 µs/record',
    measured: '25.08 µs/record',
    met: true,
    explanation: 'half the budget: zod validation is the largest stage at 11.6 µs.',
    ...overrides,
  };
}

export function latency(p50: number, p90: number, p99: number, max: number): LatencyPercentiles {
  return { p50, p90, p99, max };
}

/** 3 batch sizes × 2 partition counts, 3 HTTP concurrencies, 3 end-to-end rates; one missed goal. */
export function sampleBenchResults(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    at: '2026-11-22T20:16:22.548Z',
    machine: {
      cpus: 2,
      cpuModel: 'AMD EPYC 7B13',
      memoryGiB: 24,
      node: 'v20.20.2',
      platform: 'linux',
      kernel: '6.8.0-1019-gcp',
    },
    versions: { kafka: '4.1.2', cassandra: '5.0.6', postgres: '17.6', node: 'v20.20.2' },
    parameters: { events: 20_000, batchSizes: [100, 500, 1000], partitions: [1, 3], httpSeconds: 20 },
    processor: [
      sampleProcessorRun({
        batchSize: 100,
        partitions: 1,
        seconds: 17.9,
        recordsPerSecond: 1117,
        invocations: 200,
        bottleneck: SMALL_BATCH_BOTTLENECK,
      }),
      sampleProcessorRun({
        batchSize: 100,
        partitions: 3,
        seconds: 15.31,
        recordsPerSecond: 1307,
        invocations: 202,
        bottleneck: SMALL_BATCH_BOTTLENECK,
      }),
      sampleProcessorRun({
        batchSize: 500,
        partitions: 1,
        seconds: 13.1,
        recordsPerSecond: 1527,
        invocations: 40,
      }),
      sampleProcessorRun({ batchSize: 500, partitions: 3 }),
      sampleProcessorRun({
        batchSize: 1000,
        partitions: 1,
        seconds: 13.6,
        recordsPerSecond: 1471,
        invocations: 20,
      }),
      sampleProcessorRun({
        batchSize: 1000,
        partitions: 3,
        seconds: 12.22,
        recordsPerSecond: 1636,
        invocations: 21,
      }),
    ].map((run) => ({
      ...run,
      ratioToCeiling: Math.round((run.recordsPerSecond / CEILING_RECORDS_PER_SECOND) * 100) / 100,
    })),
    ceiling: sampleCeilingRun(),
    http: [
      sampleHttpRun({ connections: 8, requestsPerSecond: 2210, latencyMs: latency(3.1, 5.4, 9.8, 41.2) }),
      sampleHttpRun(),
      sampleHttpRun({
        connections: 128,
        requestsPerSecond: 3105,
        latencyMs: latency(39.5, 61, 122.4, 310.6),
      }),
    ],
    endToEnd: [
      sampleEndToEndRun({
        offeredPerSecond: 100,
        achievedPerSecond: 100,
        latencyMs: latency(96, 151, 233, 402),
      }),
      sampleEndToEndRun(),
      sampleEndToEndRun({
        offeredPerSecond: 1000,
        achievedPerSecond: 961,
        rejected: 3,
        latencyMs: latency(240, 512, 940, 2310),
        unconfirmed: 12,
      }),
    ],
    recordCpu: {
      records: 100_000,
      microsPerRecord: { decode: 3.9, parse: 7.2, validate: 11.6, transform: 2.1, total: 25.08 },
    },
    bundles: [
      sampleBundle(),
      sampleBundle({
        functionName: 'ingest-http',
        bytes: 412_877,
        codeBytes: 170_000,
        coldInitMs: { median: 88.6, min: 80.2, max: 97 },
      }),
    ],
    consoleCost: sampleConsoleCost(),
    peakRss: [
      { name: 'cassandra', cpuPercent: 38, peakRssMiB: 1320 },
      { name: 'kafka', cpuPercent: 6, peakRssMiB: 560 },
      { name: 'processor', cpuPercent: 97, peakRssMiB: 182.4 },
      { name: 'postgres', cpuPercent: 31, peakRssMiB: 98 },
    ],
    goals: [
      sampleGoal(),
      sampleGoal({
        goal: 'End-to-end latency at 1,000 events/s',
        target: 'p99 < 500 ms',
        measured: 'p99 940 ms, 961 events/s achieved',
        met: false,
        explanation:
          'Both cores saturate above ~900 events/s; a 50 ms batch window or a third core would close it.',
      }),
    ],
    skipped: [],
    ...overrides,
  };
}
