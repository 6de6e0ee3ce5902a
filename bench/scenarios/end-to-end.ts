import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { types } from 'cassandra-driver';
import * as hdr from 'hdr-histogram-js';
import { loadStageConfig } from '../../bin/config/index.js';
import { MAX_USERS_PER_REQUEST } from '../../lambdas/ingest-http/api.js';
import { localMappingSettings, type MirroredStage } from '../../local/runtime/local-mapping.js';
import { type PipelineProcess, startPipelineProcess } from '../../local/runtime/pipeline-process.js';
import { userPayload } from '../../test/support/user-events.js';
import { BENCH_API_THROTTLE_ARGS, BENCH_API_THROTTLE_NOTE } from '../harness/bench-api.js';
import { BENCH_KEYSPACE, benchEnvironment } from '../harness/bench-stores.js';
import { findBottleneck } from '../harness/bottleneck.js';
import type { BenchContext } from '../harness/context.js';
import { isStaleKeepAliveReset } from '../harness/keep-alive.js';
import { usersDue } from '../harness/open-loop.js';
import { ProcessSampler } from '../harness/process-sampler.js';
import type { EndToEndRun, LatencyPercentiles } from '../harness/results.js';

export interface EndToEndOptions {
  readonly ratesPerSecond: readonly number[];
  readonly durationSeconds: number;
  /** The stages whose settings `npm start --stage` runs with, one pipeline after the other. */
  readonly stages: readonly MirroredStage[];
  /** Bench-only overrides of the stages' batch size and window. @default each stage's own */
  readonly batchSize?: number;
  readonly batchWindowMs?: number;
  readonly runId: string;
  /** How long to wait after the last send for the stragglers. @default 60 s */
  readonly drainTimeoutMs?: number;
}

/** How often the load generator sends the users due (in one request). */
export const SEND_INTERVAL_MS = 10;
/** How often the stores are polled for accepted users; it bounds the latency resolution. */
export const POLL_INTERVAL_MS = 10;
const CASSANDRA_IN_LIMIT = 100;

interface Pending {
  acceptedAt: number;
  inPostgresAt?: number;
  inCassandraAt?: number;
}

/** Latency percentiles (ms, 0.1 ms resolution) from a histogram of microseconds. */
export function percentilesOf(histogram: hdr.Histogram): LatencyPercentiles {
  const ms = (micros: number) => Math.round(micros / 100) / 10;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
  };
}

/**
 * Run 4: users POSTed at a fixed offered rate (open loop: sends follow the clock, not the responses) to the
 * whole local pipeline (`npm start --stage <stage>` as a child process: the stage's batch size, batching window
 * and day-table buckets, from bin/config); each 202 starts a clock that stops when the user is readable in
 * PostgreSQL AND Cassandra, polled every POLL_INTERVAL_MS. Each stage in turn.
 */
export async function runEndToEnd(context: BenchContext, options: EndToEndOptions): Promise<EndToEndRun[]> {
  const runs: EndToEndRun[] = [];
  for (const stage of options.stages) runs.push(...(await runStage(context, options, stage)));
  return runs;
}

async function runStage(
  context: BenchContext,
  options: EndToEndOptions,
  stage: MirroredStage,
): Promise<EndToEndRun[]> {
  const config = loadStageConfig(stage, {});
  const mapping = localMappingSettings(
    {
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.batchWindowMs === undefined ? {} : { batchWindowMs: options.batchWindowMs }),
    },
    config.processor,
  );
  const settings = {
    stage,
    batchSize: mapping.batchSize,
    batchWindowMs: mapping.batchWindowMs,
    alarmP99Ms: config.observability.endToEndLatencyP99ThresholdMs,
  };
  const topic = `${options.runId}_e2e_${stage}`;
  const pipeline = await startPipelineProcess(
    [
      '--stage',
      stage,
      '--no-demo',
      '--no-console',
      '--port',
      '0',
      '--invoke-port',
      '0',
      // The stage's own values (npm start's defaults), passed so the run records exactly what ran.
      '--batch-size',
      String(mapping.batchSize),
      '--batch-window-ms',
      String(mapping.batchWindowMs),
      ...BENCH_API_THROTTLE_ARGS,
    ],
    benchEnvironment(context.settings, { KAFKA_TOPIC: topic, POWERTOOLS_LOG_LEVEL: 'ERROR' }),
  );
  context.log(
    `end-to-end with ${stage}'s settings: pipeline at ${pipeline.apiUrl} (topic ${topic}, batch ${mapping.batchSize}, window ${mapping.batchWindowMs} ms, p99 alarm ${settings.alarmP99Ms} ms; ${BENCH_API_THROTTLE_NOTE})`,
  );
  const runs: EndToEndRun[] = [];
  try {
    // Warm-up, not recorded: the API's containers, the producer connections and the bridge's group join.
    const warmUpRate = Math.min(...options.ratesPerSecond);
    context.log(`  warm-up (not recorded):`);
    await runAtRate(context, pipeline, warmUpRate, pipeline.child.pid as number, {
      ...options,
      ...settings,
      durationSeconds: 3,
    });
    for (const rate of options.ratesPerSecond) {
      runs.push(
        await runAtRate(context, pipeline, rate, pipeline.child.pid as number, {
          ...options,
          ...settings,
        }),
      );
      const run = runs.at(-1) as EndToEndRun;
      context.log(
        `    p50 ${run.latencyMs.p50} ms, p90 ${run.latencyMs.p90} ms, p99 ${run.latencyMs.p99} ms, max ${run.latencyMs.max} ms; achieved ${run.achievedPerSecond}/s; unconfirmed ${run.unconfirmed}; ${run.bottleneck.label}`,
      );
    }
  } finally {
    await pipeline.stop();
  }
  return runs;
}

/** What one rate's run needs: the options and the stage settings it runs with. */
interface RateRun {
  readonly durationSeconds: number;
  readonly drainTimeoutMs?: number;
  readonly stage: MirroredStage;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  readonly alarmP99Ms: number;
}

/**
 * Open-loop HTTP load: every tick sends the users the clock says are due, however slow the answers are, as one
 * request (a client batching its last 10 ms; the API takes up to MAX_USERS_PER_REQUEST users per request).
 */
class OpenLoopPoster {
  sent = 0;
  accepted = 0;
  rejected = 0;
  lastAcceptedAt = performance.now();
  readonly failures: string[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly template = userPayload(11);
  private readonly url: URL;

  constructor(
    private readonly api: Pick<PipelineProcess, 'apiUrl' | 'apiHeaders'>,
    /** Called with the first user of each accepted request: one tracked user per request. */
    private readonly onAccepted: (id: string, acceptedAt: number) => void,
  ) {
    this.url = new URL(`${api.apiUrl}/v1/users`);
  }

  /** Sends `total` users at `rate` per second from `started`; the timer stops itself once all are sent. */
  sendOpenLoop(rate: number, total: number, started: number): NodeJS.Timeout {
    this.lastAcceptedAt = started;
    const sender = setInterval(() => {
      const due = usersDue(performance.now() - started, rate, total);
      while (this.sent < due) {
        const count = Math.min(due - this.sent, MAX_USERS_PER_REQUEST);
        this.sent += count;
        this.post(count);
      }
      if (this.sent >= total) clearInterval(sender);
    }, SEND_INTERVAL_MS);
    return sender;
  }

  get answered(): number {
    return this.accepted + this.rejected;
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request holding `count` fresh users; each user's clock starts at the request's 202. */
  private post(count: number): void {
    const ids = Array.from({ length: count }, () => randomUUID());
    const users = ids.map((id) => ({ ...this.template, id }));
    this.send(ids, JSON.stringify(count === 1 ? users[0] : { users }));
  }

  private send(ids: readonly string[], body: string): void {
    const count = ids.length;
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...this.api.apiHeaders,
    };
    const req = request(this.url, { method: 'POST', agent: this.agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 202) {
          this.accepted += count;
          this.lastAcceptedAt = performance.now();
          this.onAccepted(ids[0] as string, this.lastAcceptedAt);
        } else this.fail(count, `HTTP ${res.statusCode}`);
      });
    });
    req.on('error', (error) => {
      // The server closed this idle socket as the request went out: it never saw it, so send it again.
      if (isStaleKeepAliveReset(req, error)) this.send(ids, body);
      else this.fail(count, error.message);
    });
    req.end(body);
  }

  private fail(count: number, why: string): void {
    this.rejected += count;
    if (this.failures.length < 5) this.failures.push(why);
  }
}

/**
 * Users followed from their 202 until readable in PostgreSQL AND Cassandra. One tracked user per request keeps
 * the store polling light (~100 ids/s whatever the rate), so the measurement does not load Cassandra; the row
 * counts at the end account for every user.
 */
class ReadabilityTracker {
  readonly pending = new Map<string, Pending>();
  readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  confirmed = 0;

  constructor(private readonly stores: BenchContext['stores']) {}

  track(id: string, acceptedAt: number): void {
    this.pending.set(id, { acceptedAt });
  }

  /** One look at both stores for the users still pending; records those now readable in both. */
  async poll(): Promise<void> {
    const waiting = (store: 'inPostgresAt' | 'inCassandraAt') =>
      [...this.pending].filter(([, p]) => p[store] === undefined).map(([id]) => id);
    const [inPostgres, inCassandra] = await Promise.all([
      this.inPostgres(waiting('inPostgresAt')),
      this.inCassandra(waiting('inCassandraAt')),
    ]);
    const now = performance.now();
    for (const id of inPostgres) {
      const entry = this.pending.get(id);
      if (entry) entry.inPostgresAt ??= now;
    }
    for (const id of inCassandra) {
      const entry = this.pending.get(id);
      if (entry) entry.inCassandraAt ??= now;
    }
    for (const [id, entry] of [...this.pending]) this.record(id, entry);
  }

  private record(id: string, entry: Pending): void {
    if (entry.inPostgresAt === undefined || entry.inCassandraAt === undefined) return;
    const readableAt = Math.max(entry.inPostgresAt, entry.inCassandraAt);
    this.histogram.recordValue(Math.max(1, Math.round((readableAt - entry.acceptedAt) * 1000)));
    this.pending.delete(id);
    this.confirmed += 1;
  }

  private async inPostgres(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const result = await this.stores.postgres.query<{ user_id: string }>(
      'select user_id from users where user_id = any($1::uuid[])',
      [ids],
    );
    return result.rows.map((row) => row.user_id);
  }

  private async inCassandra(ids: readonly string[]): Promise<string[]> {
    const lists = await Promise.all(
      chunks(ids, CASSANDRA_IN_LIMIT).map(async (slice) => {
        const result = await this.stores.cassandra.execute(
          `SELECT id FROM ${BENCH_KEYSPACE}.created_users WHERE id IN ?`,
          [slice.map((id) => types.Uuid.fromString(id))],
          { prepare: true },
        );
        return result.rows.map((row) => String(row.get('id')));
      }),
    );
    return lists.flat();
  }
}

/** Polls until every sent user is answered and every tracked one readable, or the deadline. */
async function followUntilReadable(
  context: BenchContext,
  poster: OpenLoopPoster,
  tracker: ReadabilityTracker,
  total: number,
  deadline: number,
): Promise<void> {
  let lastReport = performance.now();
  while (poster.sent < total || poster.answered < poster.sent || tracker.pending.size > 0) {
    if (performance.now() > deadline) break;
    await tracker.poll();
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      context.log(
        `    sent ${poster.sent}, accepted ${poster.accepted}; tracked users readable in both stores ${tracker.confirmed}, pending ${tracker.pending.size}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
}

/** Users that landed in both stores since `before` (every accepted one, tracked or not), waiting to the deadline. */
async function landedInBothStores(
  context: BenchContext,
  before: Awaited<ReturnType<BenchContext['stores']['rowCounts']>>,
  accepted: number,
  deadline: number,
): Promise<number> {
  for (;;) {
    const now = await context.stores.rowCounts();
    const landed = Math.min(now.postgres - before.postgres, now.cassandra - before.cassandra);
    if (landed >= accepted || performance.now() > deadline) return landed;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function runAtRate(
  context: BenchContext,
  api: Pick<PipelineProcess, 'apiUrl' | 'apiHeaders'>,
  rate: number,
  pipelinePid: number,
  options: RateRun,
): Promise<EndToEndRun> {
  const total = rate * options.durationSeconds;
  context.log(
    `  ${rate} events/s for ${options.durationSeconds} s (${total.toLocaleString('en-US')} events)`,
  );
  const before = await context.stores.rowCounts();
  const tracker = new ReadabilityTracker(context.stores);
  const poster = new OpenLoopPoster(api, (id, at) => tracker.track(id, at));
  const sampler = new ProcessSampler([
    { name: 'pipeline', pid: pipelinePid },
    { name: 'load generator', pid: process.pid },
    ...context.services,
  ]).start();
  const started = performance.now();
  const sender = poster.sendOpenLoop(rate, total, started);
  const deadline = started + options.durationSeconds * 1000 + (options.drainTimeoutMs ?? 60_000);
  await followUntilReadable(context, poster, tracker, total, deadline);
  clearInterval(sender);
  const landed = await landedInBothStores(context, before, poster.accepted, deadline);
  // Accepted per second until the last 202: below the offered rate when the API cannot keep up.
  const acceptSeconds = Math.max(options.durationSeconds, (poster.lastAcceptedAt - started) / 1000);
  const usage = sampler.stop();
  poster.close();
  if (poster.rejected > 0)
    context.log(`    ${poster.rejected} users not accepted, e.g. ${poster.failures.join('; ')}`);
  return {
    offeredPerSecond: rate,
    achievedPerSecond: Math.round(poster.accepted / acceptSeconds),
    events: poster.accepted,
    latencyMs: percentilesOf(tracker.histogram),
    unconfirmed: Math.max(0, poster.accepted - landed),
    trackedUsers: tracker.confirmed,
    rejected: poster.rejected,
    stage: options.stage,
    batchSize: options.batchSize,
    batchWindowMs: options.batchWindowMs,
    alarmP99Ms: options.alarmP99Ms,
    ...usage,
    bottleneck: findBottleneck({
      ...usage,
      cores: context.cores,
      singleThreaded: ['pipeline', 'load generator'],
      waitsOn: `the batch window (${options.batchWindowMs} ms) and store round trips`,
    }),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
