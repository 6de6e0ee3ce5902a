import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cassandraTablesOf } from '../../lambdas/shared/schema/cassandra/index.js';
import type { DashboardSpec } from '../../lib/constructs/observability/definition/types.js';
import { RUNBOOK_PATH } from '../../lib/constructs/observability/definition/types.js';
import { repoRoot } from '../../tools/repo-root.js';
import { localSignupDayLayout } from '../runtime/local-mapping.js';
import { CpuMeter } from './cpu-meter.js';
import { dashboardState, describeDashboard, slotMsOf, writtenSinceStart } from './dashboard-state.js';
import { tapEmf } from './emf-capture.js';
import { MetricInbox } from './metric-inbox.js';
import { MetricStore } from './metric-store.js';
import {
  type PipelineSnapshot,
  SNAPSHOT_INTERVAL_MS,
  type SnapshotSources,
  takeSnapshot,
} from './pipeline-snapshot.js';
import { renderRunbook } from './runbook-html.js';
import { LocalServiceMetrics } from './service-metrics.js';

export interface LocalConsoleOptions {
  readonly definition: DashboardSpec;
  /**
   * Seconds of local time standing for one second of CloudWatch time: 1 draws 1-minute periods as in AWS;
   * the browser tests use 0.1 (6-second periods) to see alarms change within a test. @default 1
   */
  readonly periodScale?: number;
  /** The API name and stage the definition's API widgets read. */
  readonly api: { readonly apiName: string; readonly stageName: string };
  /** The dimensions of the processor mapping's OffsetLag in the definition. */
  readonly offsetLagDimensions: Readonly<Record<string, string>>;
  /** How often Kafka, PostgreSQL and Cassandra are read for the snapshot. @default SNAPSHOT_INTERVAL_MS (5000) */
  readonly snapshotIntervalMs?: number;
}

/**
 * How often the inbox is folded into the store. A second is well inside a graph period (10 s) and below what
 * CloudWatch takes to show an EMF line's metrics.
 */
const INBOX_DRAIN_MS = 1_000;

const WEB = join(repoRoot, 'local', 'console', 'web');
const UPLOT = join(repoRoot, 'node_modules', 'uplot', 'dist');
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: join(WEB, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: join(WEB, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: join(WEB, 'console.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': {
    file: join(UPLOT, 'uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/uPlot.min.css': { file: join(UPLOT, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/**
 * The local console: the dashboard definition drawn from the metrics the handlers emit here (their EMF on
 * stdout) and the local runtime's Lambda/API metrics, alarms evaluated from the same alarm definitions, plus
 * Kafka lag per partition, failure-topic depth, the latest dead letters by reason, the handlers' write counts
 * and the stores' size estimates. Nothing it polls scans a table: its cost must not grow with the data.
 */
export class LocalConsole {
  readonly store: MetricStore;
  /** What the handlers and the local runtime published and the store has not taken yet. */
  private readonly inbox: MetricInbox;
  readonly services: LocalServiceMetrics;
  private snapshot: PipelineSnapshot | undefined;
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly drainTimer: NodeJS.Timeout;
  private untap: (() => void) | undefined;
  private readonly scale: number;
  /** The console's own synchronous work since it was created. */
  readonly meter = new CpuMeter();
  private sources: SnapshotSources | undefined;
  private readonly createdAt = Date.now();

  constructor(private readonly options: LocalConsoleOptions) {
    this.scale = options.periodScale ?? 1;
    // Slots of a sixth of a minute; kept for the longest alarm window and graph (30 periods) plus one.
    this.store = new MetricStore(slotMsOf(this.scale), 31 * 300_000 * this.scale);
    this.inbox = new MetricInbox(this.store);
    // Queuing a value is three array pushes: timing each would cost more than the push. The drain is timed.
    this.services = new LocalServiceMetrics(
      (namespace, metricName, dimensions) => this.inbox.recorder(namespace, metricName, dimensions),
      options.api,
    );
    // Collect from the first handler output on, before the console listens.
    this.untap = tapEmf((line) => this.inbox.emfLine(line), this.meter);
    this.drainTimer = setInterval(() => this.drainInbox(), INBOX_DRAIN_MS);
    this.drainTimer.unref();
  }

  /** Starts listening on `port` (0: any free one) and reading `sources`; resolves to the console's URL. */
  async start(port: number, sources: Omit<SnapshotSources, 'cassandraTables'>): Promise<string> {
    // Every table of the mirrored stage's layout: both day tables while it upgrades, to watch the backfill.
    const tables = cassandraTablesOf(localSignupDayLayout());
    this.sources = { ...sources, cassandraTables: tables.map((t) => t.name) };
    const refresh = () => void this.refreshSnapshot();
    refresh();
    this.timer = setInterval(refresh, this.options.snapshotIntervalMs ?? SNAPSHOT_INTERVAL_MS);
    this.timer.unref();
    const server = createServer((req, res) => this.route(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Folds what waits in the inbox into the store; every read of the store comes after one. */
  drainInbox(): void {
    if (!this.inbox.empty) this.meter.time(() => this.inbox.drain());
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.drainTimer);
    this.untap?.();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    server?.closeAllConnections();
  }

  private async refreshSnapshot(): Promise<void> {
    if (!this.sources) return;
    const snapshot = await takeSnapshot(this.sources);
    this.snapshot = snapshot;
    if (!snapshot.errors.kafka) {
      const lag = Math.max(0, ...snapshot.lagByPartition.map((p) => p.lag));
      this.services.offsetLag({ ...this.options.offsetLagDimensions }, lag);
    }
    this.meter.time(() => this.store.prune(Date.now()));
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET') {
      json(res, 405, { error: 'method not allowed', method: req.method });
      return;
    }
    const file = STATIC[path];
    if (file) {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
      res.end(readFileSync(file.file));
      return;
    }
    if (path === '/api/definition') {
      json(res, 200, describeDashboard(this.options.definition, this.scale));
      return;
    }
    if (path === '/api/state') {
      this.drainInbox();
      const state = this.meter.time(() => ({
        ...dashboardState(this.store, this.options.definition, this.scale, Date.now(), this.createdAt),
        written: writtenSinceStart(this.store),
      }));
      const cost = { busyMs: this.meter.busyMs, uptimeMs: Date.now() - this.createdAt };
      json(res, 200, { ...state, startedAt: this.createdAt, pipeline: this.snapshot ?? null, console: cost });
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === `/${RUNBOOK_PATH}`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderRunbook(readFileSync(join(repoRoot, RUNBOOK_PATH), 'utf8')));
      return;
    }
    json(res, 404, { error: 'not found', path });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  res.end(JSON.stringify(body));
}
