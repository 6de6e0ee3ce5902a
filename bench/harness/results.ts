/**
 * The shape of one `npm run bench` result file (bench/results/<timestamp>.json). The Markdown summary and
 * the SVG chart are rendered from this object only, so a JSON file can always be re-rendered.
 */

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
}

/** Latency percentiles in milliseconds. */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What one OS process (or a process group, e.g. PostgreSQL and its backends) used during a run. */
export interface ProcessUsage {
  /** e.g. 'processor', 'kafka', 'cassandra', 'postgres', 'http-api', 'load generator'. */
  readonly name: string;
  /** Average CPU over the run, in percent of ONE core (200 = two cores busy). */
  readonly cpuPercent: number;
  /** Highest resident set size sampled during the run (MiB). */
  readonly peakRssMiB: number;
}

/** Where a figure's limit lies, worked out from the CPU samples of the run. */
export interface Bottleneck {
  /** Short label, e.g. 'machine CPU', 'one core (processor)', 'cassandra', 'latency-bound'. */
  readonly label: string;
  /** One sentence with the numbers that support the label. */
  readonly explanation: string;
}

export interface RunUsage {
  readonly processes: readonly ProcessUsage[];
  /** Whole-machine CPU busy, percent of ALL cores (100 = every core busy). */
  readonly machineCpuPercent: number;
  readonly bottleneck: Bottleneck;
}

/** Run 1: pre-produced events through the local MSK bridge and the processor handler into both stores. */
export interface ProcessorRun extends RunUsage {
  readonly batchSize: number;
  readonly partitions: number;
  readonly events: number;
  readonly seconds: number;
  /** Events written to PostgreSQL AND Cassandra per second. */
  readonly recordsPerSecond: number;
  readonly invocations: number;
  readonly failedInvocations: number;
  /** Peak RSS of the processor process (VmHWM), MiB. */
  readonly processorPeakRssMiB: number;
  /** recordsPerSecond / the raw ceiling's recordsPerSecond of the same repeat (run 2); 0 without a ceiling. */
  readonly ratioToCeiling: number;
  /** Which repetition (1-based, `--repeat`) this run belongs to; absent in results written before it. */
  readonly repeat?: number;
}

/** Run 2: the same rows written straight to the stores with plain client code. */
export interface CeilingRun extends RunUsage {
  readonly events: number;
  readonly seconds: number;
  /** Events/s with PostgreSQL and Cassandra written concurrently (what the processor must do). */
  readonly recordsPerSecond: number;
  /** Each store alone, events/s (Cassandra: both tables per event). */
  readonly postgresAloneRecordsPerSecond: number;
  readonly cassandraAloneRecordsPerSecond: number;
  /**
   * The processor's PostgreSQL upsert alone (PostgresSink.write, newest-wins, one transaction per batch)
   * into an empty table, with the server's CPU: `npm run capacity` scales rowsPerServerCpuSecond to an RDS
   * instance class. Absent in results written before it.
   */
  readonly postgresUpsert?: {
    readonly rowsPerSecond: number;
    /** The PostgreSQL server (postmaster and backends), % of one core, over the run. */
    readonly serverCpuPercent: number;
    readonly rowsPerServerCpuSecond: number;
    /** WAL written per upserted row, bytes. */
    readonly walBytesPerRow: number;
    readonly connections: number;
    readonly rowsPerStatement: number;
  };
  /** How the ceiling writes, e.g. '4 connections × 1,000-row multi-row INSERT; 512 concurrent prepared'. */
  readonly method: string;
  /** Which repetition (1-based, `--repeat`) this run belongs to; absent in results written before it. */
  readonly repeat?: number;
}

/** Run 3: HTTP push API at one concurrency. */
export interface HttpRun extends RunUsage {
  readonly connections: number;
  /** Users in each request body (1: a single user object; more: a `{"users": [...]}` batch). */
  readonly usersPerRequest: number;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Users accepted per second (requests/s × users per request, 202s only). */
  readonly usersPerSecond: number;
  readonly latencyMs: LatencyPercentiles;
  /** Responses other than 202. */
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

/**
 * Run 4: end-to-end latency (202 → readable in both stores) at one offered rate. Users are pushed every
 * 10 ms in one request holding the users due by then (the push API takes up to 500 per request); the first
 * user of each request is tracked.
 */
export interface EndToEndRun extends RunUsage {
  readonly offeredPerSecond: number;
  /** Requests answered 202 per second of sending. */
  readonly achievedPerSecond: number;
  /** Requests not answered 202 (errors or other statuses). */
  readonly rejected: number;
  readonly events: number;
  readonly latencyMs: LatencyPercentiles;
  /** Accepted events not in both stores (row counts) when the run gave up waiting. */
  readonly unconfirmed: number;
  /** Users whose latency was measured: one per request (the percentiles are over these). */
  readonly trackedUsers: number;
  /** Batch window of the local event source mapping during the run (ms). */
  readonly batchWindowMs: number;
  /** The stage whose settings `npm start --stage` ran with; absent in results written before it. */
  readonly stage?: string;
  /** Batch size of the local event source mapping during the run; absent in results written before it. */
  readonly batchSize?: number;
  /** The stage's end-to-end p99 alarm threshold (ms); absent in results written before it. */
  readonly alarmP99Ms?: number;
}

/** An RSS series' least-squares trend over a span (bench/harness/process-sampler.ts rssTrend). */
export interface RssTrend {
  readonly slopeMiBPerMinute: number;
  /** slope × the span: what the series grew by over it. */
  readonly growthMiB: number;
  readonly samples: number;
}

/**
 * Run 8: a backlog of `events` pre-produced to the stage's partitions, drained by the local MSK bridge and the
 * processor containers with the stage's own mapping settings.
 */
export interface BacklogDrainRun extends RunUsage {
  /** The stage whose mapping settings and partitions were used. */
  readonly stage: string;
  readonly events: number;
  readonly partitions: number;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  readonly produceRatePerSecond: number;
  /** From the first invocation's start to the last one's end. */
  readonly seconds: number;
  /** Records processed per second over `seconds`. */
  readonly drainRatePerSecond: number;
  readonly records: number;
  readonly invocations: number;
  readonly failedInvocations: number;
  /** Records the bridge wrote to the failure topic (must be 0). */
  readonly failedRecords: number;
  /** Rows at the end: PostgreSQL users and each Cassandra table (each must be `events`). */
  readonly rows: { readonly postgres: number; readonly cassandra: Readonly<Record<string, number>> };
  /** Each processor container: peak RSS (VmHWM) and its RSS trend over the drain's second half. */
  readonly containers: readonly {
    readonly peakRssMiB: number;
    /** Invocations it took; absent in results written before the pool counted them. */
    readonly invocations?: number;
    /** RSS over the second half of its own invocations (older results: over the run's second half). */
    readonly secondHalf: RssTrend;
    /** [seconds since the first invocation, RSS MiB, its invocations so far (absent in older results)], 1/s. */
    readonly samples: readonly (readonly [number, number, ...number[]])[];
  }[];
  /** The bridge process's RSS trend over the second half (its consumer buffers a backlog). */
  readonly bridge: { readonly secondHalf: RssTrend };
}

/** Run 5: CPU per record, split by stage (µs). */
export interface RecordCpu {
  readonly records: number;
  readonly microsPerRecord: {
    /** base64 key/value and headers, as the MSK event carries them. */
    readonly decode: number;
    /** UTF-8 + JSON.parse. */
    readonly parse: number;
    /** The zod contract. */
    readonly validate: number;
    /** Building the PostgreSQL and Cassandra rows. */
    readonly transform: number;
    /** decode + parse + validate + transform measured together. */
    readonly total: number;
  };
}

/** Run 6: one Lambda bundle as `cdk synth` ships it. */
export interface BundleFigure {
  readonly functionName: string;
  /** The asset as uploaded: the bundle and its source map. */
  readonly bytes: number;
  /** The JavaScript Lambda loads (the asset without the source map). */
  readonly codeBytes: number;
  /** Time for a fresh Node process to import the bundle (ms). */
  readonly coldInitMs: { readonly median: number; readonly min: number; readonly max: number };
  readonly samples: number;
  /** The code's bytes by npm package ('project': the repository's own), from its source map; largest first. */
  readonly composition?: readonly { readonly name: string; readonly bytes: number }[];
}

/** One pipeline run of the console scenario (run 7), or the median of its runs with the console off or on. */
export interface ConsolePipelineRun {
  /**
   * The pipeline process's CPU, all its threads and children (HTTP API, ingest-http containers, MSK bridge,
   * processor handler and, when on, the console), in percent of ONE core: its CPU-seconds over the measured
   * span divided by the offered seconds (older results: over the span), so a run whose last answers came late
   * on a busy machine is not diluted.
   */
  readonly cpuPercent: number;
  /**
   * Every process of the project: the pipeline process plus Kafka, Cassandra and PostgreSQL (with its
   * backends), CPU-seconds over the offered seconds, in percent of ONE core; absent in older results.
   */
  readonly projectCpuPercent?: number;
  /** Whole-machine CPU busy over the same span, percent of ALL cores: how quiet the (shared) machine was. */
  readonly machineCpuPercent: number;
  /** Highest resident set size of the pipeline process sampled during the span (MiB). */
  readonly peakRssMiB: number;
  /** Users answered 202, out of {@link ConsoleCost.offeredUsers}. */
  readonly acceptedUsers: number;
  /** The measured span (s): the offered seconds plus the wait for the last answers. */
  readonly seconds: number;
}

/** One run of the console scenario, in the order the runs ran. */
export interface ConsoleRun extends ConsolePipelineRun {
  readonly console: 'off' | 'on';
  /** 1-based round; odd rounds run the console off then on, even rounds on then off. */
  readonly round: number;
  /**
   * Each process's share of {@link ConsolePipelineRun.projectCpuPercent} by name (pipeline, kafka, cassandra,
   * postgres), same unit; absent in results written before the breakdown.
   */
  readonly processCpuPercent?: Readonly<Record<string, number>>;
}

/**
 * Run 7: what the local console costs. The bench tables hold `preloadedUsers` users; the whole local pipeline
 * (`npm start` as a child process) then takes users at a fixed rate in interleaved runs: with `--no-console`,
 * then with the console on and a client polling its state as the page does.
 */
export interface ConsoleCost {
  /** Users offered per second (10 per request). */
  readonly ratePerSecond: number;
  /** Seconds of load per run (after a short unmeasured warm-up). */
  readonly seconds: number;
  /**
   * Unmeasured seconds at the same rate before each run's measured seconds, followed by a PostgreSQL
   * CHECKPOINT; absent in results written when the warm-up was 3 s at 50 users/s.
   */
  readonly warmUpSeconds?: number;
  /** Rounds run before the counted ones and not counted; absent in results written before the burn-in. */
  readonly burnInRounds?: number;
  /** ratePerSecond × seconds: the users each run offers. */
  readonly offeredUsers: number;
  /** How often the client fetched the console's state during the runs with the console on (ms). */
  readonly pollIntervalMs: number;
  /** Users in both stores before the runs; absent in results written before the preload (empty tables). */
  readonly preloadedUsers?: number;
  /** Every run in the order run (off, on, on, off, …); absent in results written before the rounds (one run each). */
  readonly runs?: readonly ConsoleRun[];
  /** The runs with `--no-console`: their medians (older results: the one run). */
  readonly off: ConsolePipelineRun;
  /** The runs with the console served and polled: their medians (older results: the one run). */
  readonly on: ConsolePipelineRun;
  /**
   * The mean over the rounds of on − off of the project's CPU (pipeline process, Kafka, Cassandra,
   * PostgreSQL), percent of one core: the console's whole cost, its reads of the stores included. Results
   * written before the ABBA rounds: on − off of the medians; older still: of the pipeline process alone. The
   * handlers write EMF in both settings, as they always do in Lambda. May come out negative.
   */
  readonly cpuDifferencePercent: number;
  /** Each round's on − off (percent of one core), in round order; absent in older results. */
  readonly roundDifferencesPercent?: readonly number[];
  /**
   * The mean difference plus one-sided 95 % Student t × its standard error over the rounds: the most the
   * console adds given the noise between rounds. Absent in older results and with a single round.
   */
  readonly differenceUpperBoundPercent?: number;
  /**
   * The console's own synchronous work during the runs with the console on (parsing EMF lines, storing data
   * points, computing graphs and alarms), as its CPU meter counts it, percent of one core. Steadier than the
   * difference, but it leaves out reading the output lines, the HTTP serving and the stores' side of its
   * reads. The meter times synchronous code by the wall clock, so on an oversubscribed machine it counts
   * descheduled time too (an upper bound).
   */
  readonly consoleOwnCpuPercent: number;
  /**
   * The mean over the rounds of on − off per process (the same names as {@link ConsoleRun.processCpuPercent}):
   * where the console's whole cost lands; absent in results written before the breakdown.
   */
  readonly processDifferencesPercent?: Readonly<Record<string, number>>;
  /** The stores' side of the console's reads, measured apart; absent in results written before it. */
  readonly storeReads?: StoreReadsCost;
}

/** One window of the store-reads measurement: the console's snapshot taken back to back, or not at all. */
export interface StoreReadsWindow {
  /** 1-based pair; odd pairs read then idle, even pairs idle then read. */
  readonly pair: number;
  readonly reads: boolean;
  /** Snapshots completed in the window. */
  readonly snapshots: number;
  /** The window's measured length (s). */
  readonly seconds: number;
  /** Kafka, Cassandra and PostgreSQL together, percent of one core over the window. */
  readonly storesCpuPercent: number;
  /** Each store's share of {@link storesCpuPercent} by name (kafka, cassandra, postgres), same unit. */
  readonly processCpuPercent: Readonly<Record<string, number>>;
}

/**
 * What the console's reads (its snapshot: Kafka offsets, the failure topic's depth, the newest dead letters,
 * the stores' size estimates) cost the stores, under the same load as the rounds. Once every 5 s it is far
 * below the noise between runs, so it is measured at a fiftyfold rate: one pipeline with the console off
 * takes the rounds' rate while the bench takes the snapshot back to back in every other window of a few
 * seconds (reads, idle, idle, reads, …). Each pair's difference of store CPU over its snapshots is the
 * stores' CPU per snapshot.
 */
export interface StoreReadsCost {
  /** Length of each window (s). */
  readonly windowSeconds: number;
  /** The most snapshots a read window starts per second (one at a time, as the console takes them). */
  readonly snapshotsPerSecond: number;
  /** How often the console takes a snapshot (ms): the rate {@link percent} is given at. */
  readonly consoleIntervalMs: number;
  readonly windows: readonly StoreReadsWindow[];
  /** Users accepted by the pipeline over all windows, out of {@link offeredUsers}. */
  readonly acceptedUsers: number;
  readonly offeredUsers: number;
  /** Mean over the pairs of the stores' CPU per snapshot (ms, two decimals). */
  readonly perSnapshotCpuMs: number;
  /** The stores' side of the console's reads at its own rate, percent of one core (two decimals). */
  readonly percent: number;
  /** {@link percent} at the pairs' one-sided 97.5 % Student t bound; absent with a single pair. */
  readonly upperBoundPercent?: number;
}

export interface GoalVerdict {
  readonly goal: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  /** Why it is met, or why not and what would close the gap. */
  readonly explanation: string;
}

export interface BenchResults {
  readonly at: string;
  readonly machine: MachineInfo;
  readonly versions: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly processor: readonly ProcessorRun[];
  /** The raw ceiling for the rows every processor run writes (the first repeat's: the rows are the same). */
  readonly ceiling: CeilingRun | null;
  /** The ceiling of every repeat, in order (`--repeat`); absent in results written before it. */
  readonly ceilings?: readonly CeilingRun[];
  readonly http: readonly HttpRun[];
  readonly endToEnd: readonly EndToEndRun[];
  readonly recordCpu: RecordCpu | null;
  readonly bundles: readonly BundleFigure[];
  /** The local console's CPU cost (run 7); null when not run, absent in results written before it. */
  readonly consoleCost?: ConsoleCost | null;
  /** The backlog drain (run 8); null when not run, absent in results written before it. */
  readonly backlogDrain?: BacklogDrainRun | null;
  /** Peak RSS of each service (and the processor) over all processor runs. */
  readonly peakRss: readonly ProcessUsage[];
  readonly goals: readonly GoalVerdict[];
  /** Scenarios skipped by flags, with the reason. */
  readonly skipped: readonly string[];
}

/** The ceiling of every repeat; results written before `--repeat` have only `ceiling` (or none). */
export function ceilingsOf(
  results: Partial<Pick<BenchResults, 'ceiling' | 'ceilings'>>,
): readonly CeilingRun[] {
  if (results.ceilings?.length) return results.ceilings;
  return results.ceiling ? [results.ceiling] : [];
}
