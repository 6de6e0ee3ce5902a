/**
 * Run 7: what the local console costs (issue 14: "measure CPU with and without the console at 500 events/s").
 * The bench tables first get `preloadUsers` users, so that whatever the console reads periodically is read
 * from tables of a realistic size. Then the whole local pipeline (`npm start` as a child process, every port
 * chosen by the OS) takes users at a fixed rate in rounds of two runs, interleaved: `--no-console`, then the
 * console on with a client polling its state as the page does; the handlers write EMF in both, as in Lambda.
 * The rounds alternate their order (off-on, on-off, …), so that a steady drift of the machine (the stores still
 * compacting after the preload, a warming JIT) weighs on both settings alike. Each run samples the CPU of every
 * process of the project: the pipeline process (all threads and children), Kafka, Cassandra and PostgreSQL
 * (with its backends). The raw figure is the mean of the rounds' differences (on − off) with its 95 % upper
 * bound from the spread between rounds; the whole machine's /proc/stat is reported beside it. After the
 * rounds, the stores' side of the console's reads is measured apart (console-store-reads.ts), and the goal
 * reads the rounds at it with the machine's speed taken out (`speedAdjustedDifference`).
 */
import { consoleUrlOf } from '../../local/console/console-url.js';
import { type PipelineProcess, startPipelineProcess } from '../../local/runtime/pipeline-process.js';
import { BENCH_API_THROTTLE_ARGS } from '../harness/bench-api.js';
import { benchEnvironment } from '../harness/bench-stores.js';
import type { BenchContext } from '../harness/context.js';
import { median } from '../harness/median.js';
import { differenceUpperBound, roundPairs } from '../harness/paired-rounds.js';
import { preloadUsers, waitForSettledStores } from '../harness/preload-users.js';
import { ProcessSampler } from '../harness/process-sampler.js';
import type { ConsoleCost, ConsolePipelineRun, ConsoleRun, StoreReadsCost } from '../harness/results.js';
import { round1 } from '../harness/statistics.js';
import { offerLoad } from '../harness/user-load.js';
import { measureStoreReads } from './console-store-reads.js';

export interface ConsoleCostOptions {
  /** Users offered per second. */
  readonly ratePerSecond: number;
  /** Measured seconds per run. */
  readonly seconds: number;
  /** Prefix of the runs' topics (`<runId>_console_off|on_<round>`), which the bench deletes at the end. */
  readonly runId: string;
  /** Users written to both stores before the runs. */
  readonly preloadUsers: number;
  /** Rounds of two runs each: console off then on in odd rounds, on then off in even ones. */
  readonly rounds: number;
}

/**
 * The order of the two runs of a round: off then on in odd rounds, on then off in even ones (ABBA). With
 * an even number of rounds a drift that is linear in time adds the same to both settings.
 */
export function settingsOfRound(round: number): readonly ConsoleRun['console'][] {
  return round % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
}

/** Each round's project CPU with the console on minus off, in round order (one decimal). */
export function roundDifferences(runs: readonly ConsoleRun[]): number[] {
  return roundPairs(runs).flatMap(({ on, off }) =>
    on.projectCpuPercent === undefined || off.projectCpuPercent === undefined
      ? []
      : [round1(on.projectCpuPercent - off.projectCpuPercent)],
  );
}

/**
 * Per process (pipeline, kafka, …), the mean over the rounds of its CPU with the console on minus off (one
 * decimal): where the whole difference lands. Runs without the breakdown are left out.
 */
export function processDifferences(runs: readonly ConsoleRun[]): Record<string, number> {
  const sums = new Map<string, { sum: number; rounds: number }>();
  for (const { on, off } of roundPairs(runs)) {
    if (!on.processCpuPercent || !off.processCpuPercent) continue;
    for (const [name, percent] of Object.entries(on.processCpuPercent)) {
      const entry = sums.get(name) ?? { sum: 0, rounds: 0 };
      entry.sum += percent - (off.processCpuPercent[name] ?? 0);
      entry.rounds += 1;
      sums.set(name, entry);
    }
  }
  return Object.fromEntries([...sums].map(([name, { sum, rounds }]) => [name, round1(sum / rounds) + 0]));
}

/** The console page fetches its state every 2 s; so does the client while the console is measured. */
export const CONSOLE_POLL_INTERVAL_MS = 2_000;
/**
 * Unmeasured warm-up before each run, at the run's own rate: the ingest-http containers the rate needs are
 * started (each compiles its bundle), the producers connected, the bridge joined and the JIT warm, so that
 * none of it lands in the measured seconds of one run and not the other.
 */
const WARM_UP_SECONDS = 10;
/** The warm-up of each run: {@link WARM_UP_SECONDS}, or the measured seconds when fewer (`--quick`). */
const warmUpSecondsOf = (options: Pick<ConsoleCostOptions, 'seconds'>) =>
  Math.min(WARM_UP_SECONDS, options.seconds);
/** Longest wait for the stores to settle after the preload (flushes, compactions, autovacuum). */
const SETTLE_MAX_SECONDS = 600;

/** Work done over a span as percent of one core (1 s of CPU in 10 s = 10 %), one decimal. */
export function percentOfOneCore(busyMs: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((busyMs / elapsedMs) * 1000) / 10 : 0;
}

/**
 * CPU sampled over a run's span as percent of one core over the offered seconds: every run does the same work
 * (the same users), but on a busy machine its last answers may come late, and a longer span would dilute its
 * percentage. CPU-seconds of the run / offered seconds, one decimal.
 */
export function perOfferedSecond(percentOverSpan: number, spanMs: number, offeredSeconds: number): number {
  return round1((percentOverSpan * spanMs) / 1000 / offeredSeconds);
}

/**
 * The runs of one setting (console off or on) as one: the median of each CPU figure, the highest RSS, the
 * fewest users accepted (so that one run refusing users shows), the median span.
 */
export function medianRun(runs: readonly ConsolePipelineRun[]): ConsolePipelineRun {
  const of = (figure: (run: ConsolePipelineRun) => number) => round1(median(runs.map(figure)));
  return {
    cpuPercent: of((r) => r.cpuPercent),
    projectCpuPercent: of((r) => r.projectCpuPercent ?? 0),
    machineCpuPercent: of((r) => r.machineCpuPercent),
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    acceptedUsers: Math.min(...runs.map((r) => r.acceptedUsers)),
    seconds: of((r) => r.seconds),
  };
}

/**
 * The scenario's figure from its interleaved runs and the console's own busy time summed over the runs with
 * it on: the mean of the rounds' differences of the project's CPU and its 95 % upper bound, in percent of one
 * core; the medians of each setting beside them.
 */
export function consoleCostOf(
  options: Pick<ConsoleCostOptions, 'ratePerSecond' | 'seconds' | 'preloadUsers'>,
  runs: readonly ConsoleRun[],
  consoleBusyMs: number,
  storeReads?: StoreReadsCost,
): ConsoleCost {
  const off = medianRun(runs.filter((r) => r.console === 'off'));
  const on = medianRun(runs.filter((r) => r.console === 'on'));
  const onSeconds = runs.filter((r) => r.console === 'on').reduce((sum, r) => sum + r.seconds, 0);
  const differences = roundDifferences(runs);
  const meanDifference = differences.reduce((sum, d) => sum + d, 0) / Math.max(1, differences.length);
  return {
    ratePerSecond: options.ratePerSecond,
    seconds: options.seconds,
    warmUpSeconds: warmUpSecondsOf(options),
    burnInRounds: BURN_IN_ROUNDS,
    offeredUsers: options.ratePerSecond * options.seconds,
    pollIntervalMs: CONSOLE_POLL_INTERVAL_MS,
    preloadedUsers: options.preloadUsers,
    runs,
    off,
    on,
    cpuDifferencePercent: round1(meanDifference),
    roundDifferencesPercent: differences,
    differenceUpperBoundPercent: differenceUpperBound(differences),
    consoleOwnCpuPercent: percentOfOneCore(consoleBusyMs, onSeconds * 1000),
    processDifferencesPercent: processDifferences(runs),
    ...(storeReads ? { storeReads } : {}),
  };
}

/** The console's own busy time so far (ms), as its CPU meter counts it. */
async function consoleBusyMs(consoleUrl: string): Promise<number> {
  const response = await fetch(`${consoleUrl}/api/state`);
  const state = (await response.json()) as { console: { busyMs: number } };
  return state.console.busyMs;
}

/** Fetches the state every {@link CONSOLE_POLL_INTERVAL_MS}, as an open console page does; returns a stop. */
function pollLikeThePage(consoleUrl: string, log: (message: string) => void): () => void {
  const timer = setInterval(() => {
    fetch(`${consoleUrl}/api/state`)
      .then((r) => r.text())
      .catch((error: unknown) => log(`  console poll failed: ${String(error)}`));
  }, CONSOLE_POLL_INTERVAL_MS);
  return () => clearInterval(timer);
}

function startPipeline(context: BenchContext, withConsole: boolean, topic: string): Promise<PipelineProcess> {
  // Port 0 everywhere: the OS picks free ports, so the run never collides with `npm start` or other runs.
  const consoleFlags = withConsole ? ['--console-port', '0'] : ['--no-console'];
  return startPipelineProcess(
    ['--no-demo', '--port', '0', '--invoke-port', '0', ...consoleFlags, ...BENCH_API_THROTTLE_ARGS],
    // Both runs write EMF, as the functions always do in Lambda (`--no-console` alone would skip it): the
    // difference is then the console's (reading, storing and serving the metrics), not the handlers' output.
    benchEnvironment(context.settings, { KAFKA_TOPIC: topic, POWERTOOLS_METRICS_DISABLED: 'false' }),
  );
}

/**
 * One run: warm up, then offer the load while sampling every process of the project and the machine; the
 * console's busy ms if on.
 */
async function measureRun(
  context: BenchContext,
  withConsole: boolean,
  round: number,
  options: ConsoleCostOptions,
): Promise<{ run: ConsoleRun; consoleBusyMs: number }> {
  const setting = withConsole ? 'on' : 'off';
  const pipeline = await startPipeline(context, withConsole, `${options.runId}_console_${setting}_${round}`);
  const consoleUrl = withConsole ? await consoleUrlOf(pipeline) : undefined;
  const stopPolling = consoleUrl ? pollLikeThePage(consoleUrl, context.log) : () => {};
  try {
    await offerLoad(pipeline, options.ratePerSecond, warmUpSecondsOf(options));
    // A checkpoint now, not a timed one (every 5 min) inside whichever run it falls in.
    await context.stores.postgres.query('CHECKPOINT');
    const busyBefore = consoleUrl ? await consoleBusyMs(consoleUrl) : 0;
    const sampler = new ProcessSampler([
      { name: 'pipeline', pid: pipeline.child.pid as number, withChildren: true },
      ...context.services,
    ]).start();
    const started = performance.now();
    const acceptedUsers = await offerLoad(pipeline, options.ratePerSecond, options.seconds);
    const elapsedMs = performance.now() - started;
    const usage = sampler.stop();
    const busy = consoleUrl ? (await consoleBusyMs(consoleUrl)) - busyBefore : 0;
    const pipelineUsage = usage.processes.find((p) => p.name === 'pipeline');
    const perOffered = (percent: number) => perOfferedSecond(percent, elapsedMs, options.seconds);
    const processCpuPercent = Object.fromEntries(
      usage.processes.map((p) => [p.name, perOffered(p.cpuPercent)]),
    );
    return {
      run: {
        console: setting,
        round,
        processCpuPercent,
        cpuPercent: perOffered(pipelineUsage?.cpuPercent ?? 0),
        projectCpuPercent: perOffered(usage.processes.reduce((sum, p) => sum + p.cpuPercent, 0)),
        machineCpuPercent: usage.machineCpuPercent,
        peakRssMiB: pipelineUsage?.peakRssMiB ?? 0,
        acceptedUsers,
        seconds: Math.round(elapsedMs / 100) / 10,
      },
      consoleBusyMs: busy,
    };
  } finally {
    stopPolling();
    await pipeline.stop();
  }
}

const describeRun = (run: ConsoleRun, offered: number, cores: number) =>
  `  round ${run.round}, console ${run.console.padEnd(3)}: project ${run.projectCpuPercent} % of one core ` +
  `(pipeline ${run.cpuPercent} %), machine ${run.machineCpuPercent} % of ${cores} cores, ` +
  `${run.acceptedUsers}/${offered} users accepted, pipeline peak RSS ${run.peakRssMiB} MiB`;

/**
 * Rounds run before the counted ones and thrown away (numbered 0, -1, …). The first run after the preload stood apart from every
 * later one, in both directions (the highest of 12 runs on 2026-12-07 06:53, the lowest of 20 at 10:24): the
 * stores leave the settled, idle state for the runs' steady one. A round with an outlier moves the mean by a
 * tenth of it and widens the bound far more.
 */
export const BURN_IN_ROUNDS = 1;

async function burnIn(context: BenchContext, options: ConsoleCostOptions): Promise<void> {
  for (let round = 1; round <= BURN_IN_ROUNDS; round++) {
    for (const setting of settingsOfRound(round)) {
      const { run } = await measureRun(context, setting === 'on', round - BURN_IN_ROUNDS, options);
      context.log(
        `${describeRun(run, options.ratePerSecond * options.seconds, context.cores)} (burn-in, not counted)`,
      );
    }
  }
}

/** Seconds of each window of the store-reads measurement: a third of a run, 10 s by default. */
const storeReadsWindowSeconds = (options: Pick<ConsoleCostOptions, 'seconds'>) =>
  Math.max(1, Math.round(options.seconds / 3));

/**
 * After the rounds, on the same tables and at the same rate: the stores' side of the console's reads, in as
 * many pairs of windows as there were rounds, on a pipeline of its own with the console off.
 */
async function storeSideOfReads(context: BenchContext, options: ConsoleCostOptions): Promise<StoreReadsCost> {
  const windowSeconds = storeReadsWindowSeconds(options);
  context.log(
    `console cost: the stores' side of the console's reads, ${options.rounds} pair(s) of ${windowSeconds} s windows`,
  );
  const topic = `${options.runId}_console_reads`;
  const pipeline = await startPipeline(context, false, topic);
  try {
    await offerLoad(pipeline, options.ratePerSecond, warmUpSecondsOf(options));
    const cost = await measureStoreReads(context, pipeline, topic, {
      ratePerSecond: options.ratePerSecond,
      windowSeconds,
      pairs: options.rounds,
    });
    context.log(
      `  stores' CPU per snapshot ${cost.perSnapshotCpuMs} ms: ${cost.percent} % of one core at one per ` +
        `${cost.consoleIntervalMs / 1000} s, 97.5 % upper bound ${cost.upperBoundPercent ?? 'n/a'} %; ` +
        `${cost.acceptedUsers}/${cost.offeredUsers} users accepted`,
    );
    return cost;
  } finally {
    await pipeline.stop();
  }
}

/** Run 7: preload, then rounds of the pipeline at a fixed rate with the console off and on, in ABBA order. */
export async function runConsoleCost(
  context: BenchContext,
  options: ConsoleCostOptions,
): Promise<ConsoleCost> {
  const offered = options.ratePerSecond * options.seconds;
  context.log(
    `console cost: preloading ${options.preloadUsers.toLocaleString('en-US')} users into both stores`,
  );
  const preloadSeconds = await preloadUsers(context, options.preloadUsers);
  const settled = await waitForSettledStores(context, SETTLE_MAX_SECONDS);
  context.log(`  preloaded in ${preloadSeconds.toFixed(0)} s; stores at ${settled} % of one core`);
  context.log(
    `console cost: ${options.ratePerSecond} users/s for ${options.seconds} s, ${options.rounds} round(s) of console off and on (off-on, on-off, …)`,
  );
  const runs: ConsoleRun[] = [];
  let consoleBusy = 0;
  let storeReads: StoreReadsCost | undefined;
  // Compactions of the preloaded tables would land in a random run: the same work on or off, but noise larger
  // than the figure (up to 10 % of one core between two runs of a round).
  context.log('  Cassandra compaction of the bench tables paused for the runs');
  await context.stores.setCompaction(false);
  try {
    await burnIn(context, options);
    for (let round = 1; round <= options.rounds; round++) {
      for (const setting of settingsOfRound(round)) {
        const { run, consoleBusyMs: busy } = await measureRun(context, setting === 'on', round, options);
        runs.push(run);
        consoleBusy += busy;
        context.log(describeRun(run, offered, context.cores));
      }
    }
    storeReads = await storeSideOfReads(context, options);
  } finally {
    await context.stores.setCompaction(true);
  }
  const cost = consoleCostOf(options, runs, consoleBusy, storeReads);
  context.log(
    `  rounds' differences (on − off): ${cost.roundDifferencesPercent?.join(', ')} % of one core; mean ` +
      `${cost.cpuDifferencePercent} %, 95 % upper bound ${cost.differenceUpperBoundPercent ?? 'n/a'} %; ` +
      `the console's own work ${cost.consoleOwnCpuPercent} %`,
  );
  return cost;
}
