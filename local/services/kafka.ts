import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaSettings } from './config.js';
import type { LocalService, ProgressReporter } from './local-service.js';
import { resolveJars } from './maven-jars.js';
import { startDetached } from './process-supervisor.js';

export class KafkaStorageFormatError extends Error {
  constructor(output: string) {
    super(`kafka.tools.StorageTool format failed:\n${output}`);
    this.name = 'KafkaStorageFormatError';
  }
}

/** Topic the health check produces to and consumes from; never used by the pipeline. */
const HEALTH_TOPIC = '__local_services_health';

/** Apache Kafka 4 as a single KRaft node (broker + controller) on the loopback interface. */
export class KafkaService implements LocalService {
  readonly name = 'kafka' as const;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly pidFile: string;
  readonly startTimeoutMs = 90_000;
  readonly startupHint = 'Kafka usually answers within 5-15 s';
  /** The broker's controlled shutdown: flushes its logs and leaves the cluster. */
  readonly stopSignal = 'SIGTERM';
  private readonly dir: string;
  private readonly propertiesFile: string;
  private jarDir = '';

  constructor(
    private readonly settings: KafkaSettings,
    stateDir: string,
    private readonly jarCacheDir: string,
  ) {
    this.host = settings.host;
    this.port = settings.port;
    this.dir = join(stateDir, 'kafka');
    this.logFile = join(stateDir, 'logs', 'kafka.log');
    this.pidFile = join(stateDir, 'run', 'kafka.pid');
    this.propertiesFile = join(this.dir, 'server.properties');
  }

  async install(progress: ProgressReporter): Promise<void> {
    this.jarDir = resolveJars('kafka', this.jarCacheDir, progress);
  }

  async prepare(progress: ProgressReporter): Promise<void> {
    const dataDir = join(this.dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const { host, port, controllerPort } = this.settings;
    const properties = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.bootstrap.servers': `${host}:${controllerPort}`,
      listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      'advertised.listeners': `PLAINTEXT://${host}:${port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': dataDir,
      // Topics are created explicitly by the project, as on MSK.
      'auto.create.topics.enable': 'false',
      'num.partitions': '1',
      'offsets.topic.replication.factor': '1',
      'offsets.topic.num.partitions': '10',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      // A single local consumer should not wait 3 s for peers that never come.
      'group.initial.rebalance.delay.ms': '0',
      'log.retention.hours': '24',
      'log.segment.bytes': String(64 * 1024 * 1024),
    };
    writeFileSync(
      this.propertiesFile,
      `${Object.entries(properties)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );
    writeFileSync(
      join(this.dir, 'log4j2.properties'),
      [
        'status = warn',
        'appender.out.type = Console',
        'appender.out.name = OUT',
        'appender.out.layout.type = PatternLayout',
        'appender.out.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.out.ref = OUT',
        'logger.state.name = state.change.logger',
        'logger.state.level = WARN',
        '',
      ].join('\n'),
    );
    if (existsSync(join(dataDir, 'meta.properties'))) return;
    progress('formatting Kafka storage (KRaft, standalone controller)');
    const clusterId = kafkaClusterId();
    const result = spawnSync(
      'java',
      [
        ...this.jvmArgs(),
        'kafka.tools.StorageTool',
        'format',
        '--standalone',
        '-t',
        clusterId,
        '-c',
        this.propertiesFile,
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new KafkaStorageFormatError(`${result.stdout}${result.stderr}`);
  }

  launch() {
    return startDetached({
      command: 'java',
      args: [
        `-Xms${this.settings.heap}`,
        `-Xmx${this.settings.heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        ...this.jvmArgs(),
        'kafka.Kafka',
        this.propertiesFile,
      ],
      logFile: this.logFile,
      pidFile: this.pidFile,
      marker: this.propertiesFile,
    });
  }

  async checkHealth(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'local-services-health',
      brokers: [`${this.host}:${this.port}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      retry: { retries: 2, initialRetryTime: 200 },
    });
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `local-health-${randomUUID()}` });
    try {
      await admin.connect();
      const topics = await admin.listTopics();
      if (!topics.includes(HEALTH_TOPIC)) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: HEALTH_TOPIC,
              numPartitions: 1,
              replicationFactor: 1,
              configEntries: [{ name: 'retention.ms', value: '3600000' }],
            },
          ],
        });
      }
      const probe = randomUUID();
      await producer.connect();
      await producer.send({ topic: HEALTH_TOPIC, acks: -1, messages: [{ key: 'probe', value: probe }] });
      await consumer.connect();
      await consumer.subscribe({ topic: HEALTH_TOPIC, fromBeginning: true });
      await new Promise<void>((resolvePromise, reject) => {
        const timer = setTimeout(
          () => reject(new Error('produced a probe but did not consume it within 20 s')),
          20_000,
        );
        void consumer
          .run({
            eachMessage: async ({ message }) => {
              if (message.value?.toString() === probe) {
                clearTimeout(timer);
                resolvePromise();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    }
  }

  private jvmArgs(): string[] {
    return [
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${join(this.dir, 'logs')}`,
      '-cp',
      `${this.jarDir}/*`,
    ];
  }
}

/**
 * A cluster id as Kafka's own `random-uuid` makes it: 16 random bytes in base64url, never starting with '-',
 * which StorageTool's argument parser would read as an option (Kafka's Uuid.randomUuid() redraws those too).
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
