import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { ensureTopics } from '../../local/runtime/kafka-topics.js';
import { userPayload } from '../../test/support/user-events.js';
import { BENCH_API_THROTTLE_ARGS, BENCH_API_THROTTLE_NOTE, benchApiHeaders } from '../harness/bench-api.js';
import { benchEnvironment } from '../harness/bench-stores.js';
import { findBottleneck } from '../harness/bottleneck.js';
import type { BenchContext } from '../harness/context.js';
import { BenchWorkerError, captureOutput, exited, spawnTsWorker } from '../harness/node-worker.js';
import { ProcessSampler } from '../harness/process-sampler.js';
import type { HttpRun } from '../harness/results.js';

export interface HttpPushOptions {
  /** Single-user requests at each of these numbers of connections. */
  readonly connections: readonly number[];
  /** Then one run of batch requests: this many users per request over `batchConnections` connections. */
  readonly batchUsersPerRequest: number;
  readonly batchConnections: number;
  /** ingest-http containers the local API may run at once (its concurrency). */
  readonly containers: number;
  readonly durationSeconds: number;
  readonly runId: string;
}

/** Starts the local API Gateway adapter over the ingest-http handler (HTTP only, no processor). */
async function startHttpApi(context: BenchContext, topic: string, containers: number) {
  const child = spawnTsWorker(
    'local/runtime/http-api-main.ts',
    benchEnvironment(context.settings, { KAFKA_TOPIC: topic }),
    ['--port', '0', '--concurrency', String(containers), ...BENCH_API_THROTTLE_ARGS],
  );
  const output = captureOutput(child);
  const url = await new Promise<string>((resolve, reject) => {
    let banner = '';
    const timer = setTimeout(
      () => reject(new BenchWorkerError(`HTTP API did not start:\n${output()}`)),
      60_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const found = /API on (http:\/\/\S+)/.exec(banner)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new BenchWorkerError(`HTTP API exited (${code}) while starting:\n${output()}`));
    });
  });
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

function requestOptions(
  apiUrl: string,
  apiHeaders: Readonly<Record<string, string>>,
  connections: number,
  usersPerRequest: number,
  template: object,
): autocannon.Options {
  // Fresh user ids per request, as distinct users would push.
  const body = () =>
    usersPerRequest === 1
      ? JSON.stringify({ ...template, id: randomUUID() })
      : JSON.stringify({
          users: Array.from({ length: usersPerRequest }, () => ({ ...template, id: randomUUID() })),
        });
  return {
    url: `${apiUrl}/v1/users`,
    connections,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...apiHeaders },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  };
}

/**
 * Run 3: POST /v1/users (a fresh user id per request) through the local API Gateway adapter and the ingest-http
 * handler into Kafka, at increasing numbers of concurrent keep-alive connections.
 */
export async function runHttpPush(context: BenchContext, options: HttpPushOptions): Promise<HttpRun[]> {
  const topic = `${options.runId}_http`;
  await ensureTopics(context.kafka, [{ topic, numPartitions: 3 }]);
  const api = await startHttpApi(context, topic, options.containers);
  context.log(
    `HTTP push: ${api.url}/v1/users → Kafka topic ${topic} (up to ${options.containers} containers; ${BENCH_API_THROTTLE_NOTE})`,
  );
  const template = userPayload(7);
  const apiHeaders = benchApiHeaders(context.settings);
  const runs: HttpRun[] = [];
  try {
    const plan = [
      ...options.connections.map((connections) => ({ connections, usersPerRequest: 1 })),
      { connections: options.batchConnections, usersPerRequest: options.batchUsersPerRequest },
    ];
    for (const { connections, usersPerRequest } of plan) {
      const what = usersPerRequest === 1 ? 'single-user requests' : `requests of ${usersPerRequest} users`;
      context.log(
        `  ${connections} connection(s), ${what}, for ${options.durationSeconds} s (after a 5 s warm-up)`,
      );
      const load = requestOptions(api.url, apiHeaders, connections, usersPerRequest, template);
      // Warm-up, not recorded: containers for this concurrency start (cold starts) and connect to Kafka.
      await autocannon({ ...load, duration: 5 });
      const sampler = new ProcessSampler([
        { name: 'http-api', pid: api.child.pid as number },
        { name: 'load generator', pid: process.pid },
        ...context.services,
      ]).start();
      const result = await autocannon({ ...load, duration: options.durationSeconds });
      const usage = sampler.stop();
      const accepted = result.requests.total - result.non2xx;
      const run: HttpRun = {
        connections,
        usersPerRequest,
        durationSeconds: options.durationSeconds,
        requests: result.requests.total,
        requestsPerSecond: Math.round(result.requests.total / options.durationSeconds),
        usersPerSecond: Math.round((accepted * usersPerRequest) / options.durationSeconds),
        latencyMs: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        ...usage,
        bottleneck: findBottleneck({
          ...usage,
          cores: context.cores,
          singleThreaded: ['load generator'],
          waitsOn: `Kafka acknowledgements: each request waits for acks=all before its 202, with ${connections} request(s) in flight`,
        }),
      };
      runs.push(run);
      context.log(
        `    ${run.requestsPerSecond.toLocaleString('en-US')} req/s (${run.usersPerSecond.toLocaleString('en-US')} users/s), p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, non-202 ${run.non2xx}, errors ${run.errors}; ${run.bottleneck.label}`,
      );
    }
  } finally {
    await api.stop();
  }
  return runs;
}
