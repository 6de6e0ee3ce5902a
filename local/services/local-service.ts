import type { PidRecord } from './process-supervisor.js';

export type ServiceName = 'kafka' | 'cassandra' | 'postgres';
export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 'cassandra', 'postgres'];

export type ProgressReporter = (message: string) => void;

/** One locally run server: how to install, configure, launch and health-check it. */
export interface LocalService {
  readonly name: ServiceName;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly pidFile: string;
  /** How long a cold start may take before `up` gives up. */
  readonly startTimeoutMs: number;
  /** Shown while waiting, so a user knows a slow start is normal. */
  readonly startupHint: string;
  /** The signal that asks the server for its own clean shutdown (SIGKILL only ever follows a grace period). */
  readonly stopSignal: NodeJS.Signals;
  /** Downloads/resolves what the server needs (cached). */
  install(progress: ProgressReporter): Promise<void>;
  /** Writes configuration and initialises storage on first use (idempotent). */
  prepare(progress: ProgressReporter): Promise<void>;
  launch(): PidRecord;
  /** Throws unless a real client can use the server. */
  checkHealth(): Promise<void>;
  /** One-off set-up a healthy server needs (e.g. the application database). */
  afterHealthy?(progress: ProgressReporter): Promise<void>;
}
