import { join, resolve } from 'node:path';
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { MIRRORED_STAGES, type MirroredStage } from '../../local/runtime/local-mapping.js';
import { repoRoot } from '../../tools/repo-root.js';

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export const SCENARIOS = [
  'processor',
  'ceiling',
  'http',
  'e2e',
  'cpu',
  'bundles',
  'console',
  'drain',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchParameters {
  readonly events: number;
  readonly batchSizes: number[];
  readonly partitions: number[];
  readonly batchWindowMs: number;
  readonly httpConnections: number[];
  readonly httpBatchUsers: number;
  readonly httpBatchConnections: number;
  readonly httpContainers: number;
  readonly httpSeconds: number;
  readonly rates: number[];
  readonly e2eSeconds: number;
  /** The stages whose settings (batch size, window, buckets) `npm start --stage` runs the end-to-end runs with. */
  readonly e2eStages: MirroredStage[];
  /** Overrides of the stages' batch size and window (bench-only values; default: each stage's own). */
  readonly e2eBatchSize: number | undefined;
  readonly e2eBatchWindowMs: number | undefined;
  /** Events of the backlog drain. */
  readonly drainEvents: number;
  /** The stage whose mapping settings and partitions the backlog drain uses. */
  readonly drainStage: MirroredStage;
  readonly bundleSamples: number;
  /** Users offered per second in the console runs (issue 14 asks for 500). */
  readonly consoleRate: number;
  /** Measured seconds of each console run. */
  readonly consoleSeconds: number;
  /** Users written to both stores before the console runs, so that its reads meet tables of that size. */
  readonly consolePreload: number;
  /** Rounds of console runs, each off then on (interleaved, so that a drift of the machine hits both). */
  readonly consoleRounds: number;
  /** Times the processor and ceiling runs are repeated, back to back (goal 2 asks for three in a row). */
  readonly repeat: number;
  readonly only: Scenario[];
  /** Write V8 CPU profiles of the processor processes next to the results. */
  readonly profile: boolean;
  readonly outDir: string;
}

export const BENCH_USAGE = `usage: npm run bench -- [options]

Measures the pipeline on this machine (Node 24) against the real local Kafka, Cassandra and PostgreSQL;
writes bench/results/<timestamp>.json, .md and .svg.

options:
  --quick                      small figures in a few minutes (smoke run)
  --only LIST                  scenarios, comma-separated: ${SCENARIOS.join(', ')} (default all)
  --events N                   events per processor run (default 100000; --quick 5000)
  --batch-sizes LIST           processor batch sizes, at most 10000 (default 100,1000,10000)
  --partitions LIST            topic partitions per processor run (default 1,3,6)
  --batch-window-ms N          processor batching window (default 500)
  --http-connections LIST      autocannon connections for single-user pushes (default 1,8,32,128)
  --http-batch-users N         users per batch push, 1-500 (default 100)
  --http-batch-connections N   connections for batch pushes (default 8)
  --http-containers N          ingest-http containers (default 16)
  --http-seconds N             seconds per HTTP run (default 10)
  --rates LIST                 end-to-end event rates per second (default 10,1000; --quick 10,200)
  --e2e-seconds N              seconds per end-to-end rate (default 20)
  --e2e-stages LIST            stages whose settings the end-to-end runs use: dev,prod (default both)
  --e2e-batch-size N           end-to-end batch size instead of each stage's (a bench-only value)
  --e2e-batch-window-ms N      end-to-end batching window instead of each stage's (a bench-only value)
  --drain-events N             events of the backlog drain (default 1000000; --quick 20000)
  --drain-stage dev|prod       the stage whose mapping settings and partitions the drain uses (default dev)
  --bundle-samples N           fresh processes per bundle for cold init (default 10)
  --console-rate N             users/s with the console off, then on, 1-5000 (default 500; --quick 200)
  --console-seconds N          measured seconds of each console run, 1-600 (default 30; --quick 8)
  --console-preload N          users in both stores before the console runs, 0-10000000 (default 1000000;
                               --quick 5000)
  --console-rounds N           rounds of console runs, off-on then on-off (ABBA), 1-30 (default 24; --quick 2)
  --repeat N                   run the processor and ceiling runs N times back to back, 1-10 (default 1)
  --profile                    write V8 CPU profiles of the processor processes
  --out DIR                    where to write the results (default bench/results)
  -h, --help                   show this help`;

const FULL = {
  events: '100000',
  'batch-sizes': '100,1000,10000',
  partitions: '1,3,6',
  'http-connections': '1,8,32,128',
  'http-seconds': '10',
  rates: '10,1000',
  'e2e-seconds': '20',
  'drain-events': '1000000',
  'bundle-samples': '10',
  'console-rate': '500',
  'console-seconds': '30',
  'console-preload': '1000000',
  'console-rounds': '24',
};
const QUICK: typeof FULL = {
  events: '5000',
  'batch-sizes': '100,1000',
  partitions: '1,3',
  'http-connections': '1,16',
  'http-seconds': '3',
  rates: '10,200',
  'e2e-seconds': '5',
  'drain-events': '20000',
  'bundle-samples': '3',
  'console-rate': '200',
  'console-seconds': '8',
  'console-preload': '5000',
  'console-rounds': '2',
};

function list(flag: string, raw: string, min = 1): number[] {
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (raw.trim() === '' || values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new BenchUsageError(`--${flag} must be whole numbers ≥ ${min} separated by commas, got "${raw}"`);
  }
  return values;
}

function single(flag: string, raw: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BenchUsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function optional<T>(raw: string | undefined, parse: (raw: string) => T): T | undefined {
  return raw === undefined ? undefined : parse(raw);
}

/** A list of the stages the local mirror runs (at most `most` of them). */
function stages(flag: string, raw: string, most: number = MIRRORED_STAGES.length): MirroredStage[] {
  const names = raw.split(',').map((s) => s.trim());
  const bad = names.filter((name) => !(MIRRORED_STAGES as readonly string[]).includes(name));
  if (raw.trim() === '' || bad.length > 0 || names.length > most || new Set(names).size !== names.length) {
    throw new BenchUsageError(
      `--${flag} takes ${most === 1 ? 'one of' : 'a list of'} ${MIRRORED_STAGES.join(', ')}, got "${raw}"`,
    );
  }
  return names as MirroredStage[];
}

/** The bench's flags (BENCH_USAGE describes them). */
const BENCH_OPTIONS = {
  quick: { type: 'boolean', default: false },
  profile: { type: 'boolean', default: false },
  events: { type: 'string' },
  'batch-sizes': { type: 'string' },
  partitions: { type: 'string' },
  'batch-window-ms': { type: 'string', default: '500' },
  'http-connections': { type: 'string' },
  'http-batch-users': { type: 'string', default: '100' },
  'http-batch-connections': { type: 'string', default: '8' },
  'http-containers': { type: 'string', default: '16' },
  'http-seconds': { type: 'string' },
  rates: { type: 'string' },
  'e2e-seconds': { type: 'string' },
  // Each stage's own batch size and window unless given (`npm start --stage` takes them from bin/config).
  'e2e-stages': { type: 'string', default: MIRRORED_STAGES.join(',') },
  'e2e-batch-size': { type: 'string' },
  'e2e-batch-window-ms': { type: 'string' },
  'drain-events': { type: 'string' },
  'drain-stage': { type: 'string', default: 'dev' },
  'bundle-samples': { type: 'string' },
  'console-rate': { type: 'string' },
  'console-seconds': { type: 'string' },
  'console-preload': { type: 'string' },
  'console-rounds': { type: 'string' },
  repeat: { type: 'string', default: '1' },
  only: { type: 'string', default: SCENARIOS.join(',') },
  out: { type: 'string', default: join(repoRoot, 'bench', 'results') },
} satisfies ParseArgsOptionsConfig;

/** Flags → parameters; --quick changes the defaults, explicit flags still win. */
export function parseBenchArgs(argv: readonly string[]): BenchParameters {
  const { values } = parseArgs({ args: [...argv], strict: true, options: BENCH_OPTIONS });
  const defaults = values.quick ? QUICK : FULL;
  const pick = (flag: keyof typeof FULL) => (values[flag] as string | undefined) ?? defaults[flag];
  const only = (values.only as string).split(',').map((s) => s.trim());
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new BenchUsageError(`--only takes ${SCENARIOS.join(', ')}; unknown: ${unknown.join(', ')}`);
  }
  const batchSizes = list('batch-sizes', pick('batch-sizes'));
  if (batchSizes.some((b) => b > 10_000))
    throw new BenchUsageError('--batch-sizes may not exceed 10000 (the ESM maximum)');
  return {
    events: single('events', pick('events'), 1, 10_000_000),
    batchSizes,
    partitions: list('partitions', pick('partitions')),
    batchWindowMs: single('batch-window-ms', values['batch-window-ms'] as string, 0, 300_000),
    httpConnections: list('http-connections', pick('http-connections')),
    httpBatchUsers: single('http-batch-users', values['http-batch-users'] as string, 1, 500),
    httpBatchConnections: single(
      'http-batch-connections',
      values['http-batch-connections'] as string,
      1,
      1_024,
    ),
    httpContainers: single('http-containers', values['http-containers'] as string, 1, 256),
    httpSeconds: single('http-seconds', pick('http-seconds'), 1, 3_600),
    rates: list('rates', pick('rates')),
    e2eSeconds: single('e2e-seconds', pick('e2e-seconds'), 1, 3_600),
    e2eStages: stages('e2e-stages', values['e2e-stages'] as string),
    e2eBatchSize: optional(values['e2e-batch-size'] as string | undefined, (raw) =>
      single('e2e-batch-size', raw, 1, 10_000),
    ),
    e2eBatchWindowMs: optional(values['e2e-batch-window-ms'] as string | undefined, (raw) =>
      single('e2e-batch-window-ms', raw, 0, 300_000),
    ),
    drainEvents: single('drain-events', pick('drain-events'), 1, 10_000_000),
    drainStage: stages('drain-stage', values['drain-stage'] as string, 1)[0] as MirroredStage,
    bundleSamples: single('bundle-samples', pick('bundle-samples'), 1, 1_000),
    consoleRate: single('console-rate', pick('console-rate'), 1, 5_000),
    consoleSeconds: single('console-seconds', pick('console-seconds'), 1, 600),
    consolePreload: single('console-preload', pick('console-preload'), 0, 10_000_000),
    consoleRounds: single('console-rounds', pick('console-rounds'), 1, 30),
    repeat: single('repeat', values.repeat as string, 1, 10),
    only: only as Scenario[],
    profile: values.profile as boolean,
    outDir: resolve(values.out as string),
  };
}
