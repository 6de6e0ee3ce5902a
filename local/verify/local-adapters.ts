/**
 * The ports of the `npm start` mirror: its HTTP API (with the state directory's API key), its Lambda endpoint (Invoke and
 * GetEventSourceMapping, through the same SDK client as in AWS), the local Kafka's admin API for the topics, the
 * local console for the alarms, and the local Airflow for the DAG.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import kafkajs, { type Kafka } from 'kafkajs';
import { PROCESSOR_SINK_NAMES } from '../../lambdas/processor/sinks/index.js';
import { alarmName } from '../../lib/constructs/observability/definition/types.js';
import { repoRoot } from '../../tools/repo-root.js';
import { LOCAL_NAMES, localDashboard } from '../console/local-definition.js';
import { connectionEnvironment, KAFKA_VERSION, type LocalServicesSettings } from '../services/config.js';
import { keyedPushApi } from './aws/push-api.js';
import { SdkLambdaPort } from './lambda-port.js';
import { LocalAirflowDagRunner } from './local-airflow.js';
import type { AlarmPort, AlarmState, StagePorts, TopicDescription, TopicPort } from './ports.js';

/** Where the running `npm start` serves (its banner prints them; defaults are its default ports). */
export interface LocalEndpoints {
  readonly apiUrl: string;
  /** The HTTP API's key (`x-api-key`), as `npm start` enforces the dev stage's api.auth. */
  readonly apiKey: string;
  readonly invokeUrl: string;
  readonly consoleUrl: string;
}

/** Topics as the local broker describes them (metadata and topic configs). */
export class KafkaAdminTopics implements TopicPort {
  constructor(private readonly kafka: Kafka) {}

  async describe(topic: string): Promise<TopicDescription | undefined> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) return undefined;
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      const configs = await admin.describeConfigs({
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
        includeSynonyms: false,
      });
      const entries = configs.resources[0]?.configEntries ?? [];
      return {
        name: topic,
        partitions: metadata?.partitions.length ?? 0,
        replicationFactor: metadata?.partitions[0]?.replicas.length ?? 0,
        configs: Object.fromEntries(entries.map((entry) => [entry.configName, entry.configValue])),
      };
    } finally {
      await admin.disconnect();
    }
  }
}

/** The alarms of the local dashboard definition, with the states the console evaluates. */
export class ConsoleAlarms implements AlarmPort {
  constructor(
    private readonly consoleUrl: string,
    private readonly failureTopicName: string,
  ) {}

  private definition() {
    return localDashboard({ sinks: PROCESSOR_SINK_NAMES, failureTopicName: this.failureTopicName });
  }

  async definedAlarms(): Promise<readonly string[]> {
    const definition = this.definition();
    return definition.segments.flatMap((s) => s.alarms).map((a) => alarmName(definition, a.id));
  }

  async states(names: readonly string[]): Promise<ReadonlyMap<string, AlarmState>> {
    const response = await fetch(`${this.consoleUrl}/api/state`);
    if (!response.ok) throw new Error(`the local console answered ${response.status} at ${this.consoleUrl}`);
    const state = (await response.json()) as { alarms: Record<string, { state: AlarmState }> };
    const definition = this.definition();
    const states = new Map<string, AlarmState>();
    for (const [id, alarm] of Object.entries(state.alarms)) {
      const name = alarmName(definition, id);
      if (names.includes(name)) states.set(name, alarm.state);
    }
    return states;
  }
}

/** Every port of the local mirror. */
export function localStagePorts(
  endpoints: LocalEndpoints,
  settings: LocalServicesSettings,
  kafka: Kafka,
  failureTopicName: string,
): StagePorts {
  const airflow = new LocalAirflowDagRunner({
    repoRoot,
    venv: process.env.AIRFLOW_VENV || `${repoRoot}/.cache/airflow-venv`,
    home: `${settings.stateDir}/verify-airflow`,
    env: { ...process.env, ...connectionEnvironment(settings) },
  });
  const lambda = new LambdaClient({
    endpoint: endpoints.invokeUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    api: keyedPushApi(endpoints.apiUrl, endpoints.apiKey),
    lambda: new SdkLambdaPort(lambda, LOCAL_NAMES.mapping.uuid),
    topics: new KafkaAdminTopics(kafka),
    dags: airflow,
    alarms: new ConsoleAlarms(endpoints.consoleUrl, failureTopicName),
    deployment: {
      // The local broker's version, compared with the MSK line the stages run (same major.minor).
      versions: async () => ({ kafkaVersion: KAFKA_VERSION, airflowVersion: await airflow.version() }),
    },
    functions: { pull: LOCAL_NAMES.functions.ingestPull, verification: 'verification' },
  };
}
