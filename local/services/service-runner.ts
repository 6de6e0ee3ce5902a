import { setTimeout as sleep } from 'node:timers/promises';
import { CassandraService } from './cassandra.js';
import type { LocalServicesSettings } from './config.js';
import { KafkaService } from './kafka.js';
import type { LocalService, ProgressReporter, ServiceName } from './local-service.js';
import { PostgresService } from './postgres.js';
import {
  isOurProcessAlive,
  isPortOpen,
  type PidRecord,
  readPidRecord,
  removePidFile,
  residentMemoryMiB,
  ServiceStartError,
  stopProcess,
  tailFile,
  waitForExit,
} from './process-supervisor.js';

export function createLocalServices(settings: LocalServicesSettings): LocalService[] {
  return [
    new KafkaService(settings.kafka, settings.stateDir, settings.jarCacheDir),
    new CassandraService(settings.cassandra, settings.stateDir, settings.jarCacheDir),
    new PostgresService(settings.postgres, settings.stateDir),
  ];
}

export interface ServiceStatus {
  readonly name: ServiceName;
  readonly state: 'healthy' | 'unhealthy' | 'stopped';
  readonly pid?: number;
  readonly address: string;
  readonly memoryMiB?: number;
  readonly detail?: string;
}

export interface UpResult {
  readonly name: ServiceName;
  readonly outcome: 'started' | 'already-running';
  readonly pid: number;
  readonly seconds: number;
}

async function healthy(service: LocalService): Promise<string | undefined> {
  try {
    await service.checkHealth();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function statusOf(service: LocalService): Promise<ServiceStatus> {
  const address = `${service.host}:${service.port}`;
  const record = readPidRecord(service.pidFile);
  if (!record || !isOurProcessAlive(record)) return { name: service.name, state: 'stopped', address };
  const problem = await healthy(service);
  const memoryMiB = residentMemoryMiB(record.pid);
  return {
    name: service.name,
    state: problem ? 'unhealthy' : 'healthy',
    pid: record.pid,
    address,
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    ...(problem ? { detail: problem } : {}),
  };
}

/** Waits until the service answers a real client, failing fast if its process dies. */
async function waitUntilHealthy(service: LocalService, record: PidRecord, progress: ProgressReporter) {
  const started = Date.now();
  let lastReport = started;
  let lastProblem = '';
  while (Date.now() - started < service.startTimeoutMs) {
    if (!isOurProcessAlive(record)) {
      throw new ServiceStartError(service.name, 'exited during start-up', tailFile(service.logFile));
    }
    const problem = await healthy(service);
    if (!problem) return;
    lastProblem = problem;
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      const seconds = Math.round((Date.now() - started) / 1000);
      progress(`still waiting for ${service.name} (${seconds} s; ${service.startupHint})`);
    }
    await sleep(1_000);
  }
  await stopProcess(record, 10_000, service.stopSignal);
  removePidFile(service.pidFile);
  throw new ServiceStartError(
    service.name,
    `not healthy after ${service.startTimeoutMs / 1000} s (last check: ${lastProblem}); stopped it`,
    tailFile(service.logFile),
  );
}

async function bringUpOne(service: LocalService, report: ProgressReporter): Promise<UpResult> {
  const began = Date.now();
  const seconds = () => Math.round((Date.now() - began) / 100) / 10;
  const existing = readPidRecord(service.pidFile);
  if (existing && isOurProcessAlive(existing)) {
    // Running already (perhaps still starting): leave it alone, just wait for health.
    await waitUntilHealthy(service, existing, report);
    await service.afterHealthy?.(report);
    return { name: service.name, outcome: 'already-running', pid: existing.pid, seconds: seconds() };
  }
  // A previous run that died (a crash, a SIGKILL) may still be releasing its ports.
  if (existing) await waitForExit(existing.pid);
  removePidFile(service.pidFile);
  if (await isPortOpen(service.host, service.port)) {
    throw new ServiceStartError(
      service.name,
      `${service.host}:${service.port} is already in use by a process this project did not start; stop it or choose another port (see README: Local services)`,
      '',
    );
  }
  await service.install(report);
  await service.prepare(report);
  const record = service.launch();
  report(`started pid ${record.pid}; waiting for a real client to connect (${service.startupHint})`);
  await waitUntilHealthy(service, record, report);
  await service.afterHealthy?.(report);
  return { name: service.name, outcome: 'started', pid: record.pid, seconds: seconds() };
}

/** Starts every given service that is not already running, in parallel; all must end healthy. */
export async function bringUp(
  services: readonly LocalService[],
  progress: ProgressReporter,
): Promise<UpResult[]> {
  const outcomes = await Promise.allSettled(
    services.map((service) => bringUpOne(service, (message) => progress(`${service.name}: ${message}`))),
  );
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length > 0)
    throw new AggregateError(failures, `${failures.length} service(s) failed to start`);
  return outcomes.map((o) => (o as PromiseFulfilledResult<UpResult>).value);
}

/** Stops exactly the processes recorded in our pid files (never by name). */
export async function bringDown(
  services: readonly LocalService[],
  progress: ProgressReporter,
  /** Grace after each service's stop signal before SIGKILL; 0 forces, Infinity never kills. */
  graceMs = 30_000,
): Promise<void> {
  await Promise.all(
    services.map(async (service) => {
      const record = readPidRecord(service.pidFile);
      if (!record) {
        progress(`${service.name}: not running`);
        return;
      }
      const outcome = await stopProcess(record, graceMs, service.stopSignal);
      removePidFile(service.pidFile);
      progress(
        `${service.name}: ${outcome === 'absent' ? 'was not running (stale pid file removed)' : `${outcome} pid ${record.pid}`}`,
      );
    }),
  );
}

/** Pids from our pid files that are still alive: what `.ci/run` checks after `down`. */
export function survivingProcesses(
  services: readonly LocalService[],
): Array<{ name: ServiceName; pid: number }> {
  return services.flatMap((service) => {
    const record = readPidRecord(service.pidFile);
    return record && isOurProcessAlive(record) ? [{ name: service.name, pid: record.pid }] : [];
  });
}

/** Human-readable account of a failed `up`, with each failing service's log tail. */
export function describeFailure(error: unknown): string {
  if (error instanceof AggregateError) {
    return [error.message, ...error.errors.map(describeFailure)].join('\n');
  }
  if (error instanceof ServiceStartError) {
    return error.logTail
      ? `${error.message}\n--- last lines of the ${error.service} log ---\n${error.logTail}\n---`
      : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
