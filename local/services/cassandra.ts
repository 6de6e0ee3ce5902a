import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'cassandra-driver';
import type { CassandraSettings } from './config.js';
import type { LocalService, ProgressReporter } from './local-service.js';
import { findJar, resolveJars } from './maven-jars.js';
import { startDetached } from './process-supervisor.js';

// The module-system options of Cassandra 5.0's conf/jvm17-server.options: without them the daemon
// fails on JDK 17 when Chronicle, Netty and jamm reach into JDK internals.
const JDK17_MODULE_OPTIONS = [
  '-Djdk.attach.allowAttachSelf=true',
  '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED',
  '--add-exports=java.sql/java.sql=ALL-UNNAMED',
  '--add-exports=java.base/java.lang.ref=ALL-UNNAMED',
  '--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.module=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.math=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.module=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED',
  '--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.useCacheForAllThreads=true',
  '-Dio.netty.allocator.maxOrder=11',
];

/** Apache Cassandra 5.0 as a single node (`CassandraDaemon` in its own JVM) on the loopback interface. */
export class CassandraService implements LocalService {
  readonly name = 'cassandra' as const;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly pidFile: string;
  readonly startTimeoutMs = 240_000;
  readonly startupHint = 'Cassandra takes 20-60 s to accept CQL on a cold start';
  /** Its shutdown hook drains: flushes the memtables and closes the commit log. */
  readonly stopSignal = 'SIGTERM';
  private readonly dir: string;
  private readonly yamlFile: string;
  private jarDir = '';

  constructor(
    private readonly settings: CassandraSettings,
    stateDir: string,
    private readonly jarCacheDir: string,
  ) {
    this.host = settings.host;
    this.port = settings.port;
    this.dir = join(stateDir, 'cassandra');
    this.logFile = join(stateDir, 'logs', 'cassandra.log');
    this.pidFile = join(stateDir, 'run', 'cassandra.pid');
    this.yamlFile = join(this.dir, 'conf', 'cassandra.yaml');
  }

  async install(progress: ProgressReporter): Promise<void> {
    this.jarDir = resolveJars('cassandra', this.jarCacheDir, progress);
  }

  async prepare(): Promise<void> {
    const data = (sub: string) => {
      const path = join(this.dir, 'data', sub);
      mkdirSync(path, { recursive: true });
      return path;
    };
    mkdirSync(join(this.dir, 'conf'), { recursive: true });
    const { host, port, storagePort } = this.settings;
    const yaml = `# Written by local/services/cassandra.ts on every start; edit that file, not this one.
cluster_name: local-pipeline
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
endpoint_snitch: SimpleSnitch
auto_bootstrap: false
data_file_directories:
  - ${data('data')}
commitlog_directory: ${data('commitlog')}
saved_caches_directory: ${data('saved_caches')}
hints_directory: ${data('hints')}
cdc_raw_directory: ${data('cdc_raw')}
# Acknowledge a write only once its commitlog section is synced, as Keyspaces acknowledges only durable writes.
# With 'periodic', a SIGKILL loses what was written since the last sync (up to 10 s of acknowledged writes,
# which the pipeline has already committed its offsets past): test/faults/store-durability.test.ts.
commitlog_sync: batch
# A development node: TRUNCATE and DROP (tests, the benchmark) must not pile up snapshots on disk.
auto_snapshot: false
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${host}:${storagePort}"
listen_address: ${host}
rpc_address: ${host}
storage_port: ${storagePort}
native_transport_port: ${port}
start_native_transport: true
concurrent_reads: 16
concurrent_writes: 16
# Small caches: this node shares a 2-core machine with Kafka, PostgreSQL and the tests.
key_cache_size: 16MiB
memtable_heap_space: 128MiB
memtable_offheap_space: 128MiB
`;
    writeFileSync(this.yamlFile, yaml);
    writeFileSync(
      join(this.dir, 'conf', 'logback.xml'),
      `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT" /></root>
</configuration>
`,
    );
  }

  launch() {
    const heap = this.settings.heap;
    const jamm = findJar(this.jarDir, 'jamm-');
    return startDetached({
      command: 'java',
      args: [
        `-Xms${heap}`,
        `-Xmx${heap}`,
        '-Xss512k',
        '-XX:+UseG1GC',
        '-XX:+ParallelRefProcEnabled',
        '-XX:MaxTenuringThreshold=1',
        '-XX:G1HeapRegionSize=16m',
        '-XX:MaxGCPauseMillis=300',
        '-XX:+ExitOnOutOfMemoryError',
        ...JDK17_MODULE_OPTIONS,
        ...(jamm ? [`-javaagent:${jamm}`] : []),
        '-Dcassandra-foreground=yes',
        `-Dcassandra.config=file://${this.yamlFile}`,
        `-Dcassandra.storagedir=${join(this.dir, 'data')}`,
        `-Dcassandra.logdir=${join(this.dir, 'logs')}`,
        `-Dlogback.configurationFile=${join(this.dir, 'conf', 'logback.xml')}`,
        // Single node: no peers to wait for.
        '-Dcassandra.skip_wait_for_gossip_to_settle=0',
        '-Dcassandra.ring_delay_ms=0',
        '-Dcassandra.superuser_setup_delay_ms=0',
        // Nor peers to tell of a shutdown: the clean stop skips the 2 s it would wait after announcing it.
        '-Dcassandra.shutdown_announce_in_ms=0',
        '-cp',
        `${join(this.dir, 'conf')}:${this.jarDir}/*`,
        'org.apache.cassandra.service.CassandraDaemon',
      ],
      logFile: this.logFile,
      pidFile: this.pidFile,
      marker: this.yamlFile,
    });
  }

  async checkHealth(): Promise<void> {
    const client = new Client({
      contactPoints: [this.host],
      protocolOptions: { port: this.port },
      localDataCenter: this.settings.localDataCenter,
      socketOptions: { connectTimeout: 2_000, readTimeout: 5_000 },
    });
    try {
      await client.connect();
      const result = await client.execute('SELECT release_version FROM system.local');
      const version = result.first()?.get('release_version') as string | undefined;
      if (!version) throw new Error('system.local returned no release_version');
    } finally {
      await client.shutdown();
    }
  }
}
