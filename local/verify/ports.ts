/**
 * What the verify checks need from a stage, as interfaces: the AWS adapters (SDK v3 clients from the stack's
 * outputs, aws/) and the local adapters (the `npm start` pipeline and the local services, local-adapters.ts)
 * implement them; the checks never know which one they talk to.
 */
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';

/** An HTTP answer, body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** The ingestion API, with the stage's authentication (an API key, SigV4, or the local key). */
export interface PushApi {
  /** `POST /v1/users`. */
  postUsers(body: unknown): Promise<HttpAnswer>;
  /** `DELETE /v1/users/{id}`: the erasure route (202 once the user.deleted event is in Kafka). */
  deleteUser(userId: string): Promise<HttpAnswer>;
}

/** A handler error as Lambda reports it (`X-Amz-Function-Error`). */
export class FunctionInvocationError extends Error {
  override readonly name = 'FunctionInvocationError';
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionName} failed: ${errorType}: ${message}`);
  }
}

/** Lambda's Invoke (RequestResponse) and GetEventSourceMapping. */
export interface LambdaPort {
  /** @throws FunctionInvocationError when the handler failed */
  invoke<Result>(functionName: string, payload: unknown): Promise<Result>;
  eventSourceMapping(): Promise<EventSourceMappingConfiguration>;
}

/** A topic as the cluster describes it; configs decoded into name → value. */
export interface TopicDescription {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface TopicPort {
  /** undefined when the topic does not exist. */
  describe(topic: string): Promise<TopicDescription | undefined>;
}

/** The outcome of one DAG run. */
export interface DagRunOutcome {
  readonly runId: string;
  readonly state: string;
  /** Task id → state, when known. */
  readonly tasks: Readonly<Record<string, string>>;
  /** Why it did not run, e.g. a paused DAG. */
  readonly problem?: string;
}

/** Triggers a DAG with a conf and waits for its run to end (MWAA REST API, or the local Airflow). */
export interface DagPort {
  runDag(
    dagId: string,
    runId: string,
    conf: Readonly<Record<string, unknown>>,
    timeoutMs: number,
    progress: (message: string) => void,
  ): Promise<DagRunOutcome>;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmPort {
  /** The names the stage's dashboard definition gives its alarms. */
  definedAlarms(): Promise<readonly string[]>;
  /** State of each named alarm that exists; a missing alarm is absent from the map. */
  states(names: readonly string[]): Promise<ReadonlyMap<string, AlarmState>>;
  /**
   * The dimension sets (sorted names) under which the metrics platform lists the mapping's metrics, to compare
   * with the definition's; undefined where the definition is the publisher (locally).
   */
  mappingMetricDimensions?(mappingUuid: string): Promise<readonly (readonly string[])[]>;
}

/** What is deployed: the Kafka and Airflow the stage runs. */
export interface DeployedVersions {
  readonly kafkaVersion: string;
  readonly brokerInstanceType?: string;
  readonly brokerCount?: number;
  readonly airflowVersion: string;
  /** The orchestration environment's status (MWAA: AVAILABLE, UPDATING, ...). */
  readonly orchestrationStatus?: string;
}

export interface DeploymentPort {
  versions(): Promise<DeployedVersions>;
}

/** Every port of one stage, and the names verify addresses. */
export interface StagePorts {
  readonly api: PushApi;
  readonly lambda: LambdaPort;
  readonly topics: TopicPort;
  readonly dags: DagPort;
  readonly alarms: AlarmPort;
  readonly deployment: DeploymentPort;
  readonly functions: { readonly pull: string; readonly verification: string };
}
