/** What the dashboard definition watches; optional parts are absent on LocalStack. */
export interface DashboardProps {
  /** Stage name: dashboard name and alarm name prefix. */
  readonly stageName: string;
  /** REST API name and stage. */
  readonly api: { readonly apiName: string; readonly stageName: string };
  /** Function names. */
  readonly functions: {
    readonly ingestHttp: string;
    readonly ingestPull: string;
    readonly processor: string;
  };
  /** The processor's sinks in write order (one dashboard row each). */
  readonly sinks: readonly string[];
  /** Dead-letter queues: name and label (the label's slug names the alarm). */
  readonly deadLetterQueues: ReadonlyArray<{ readonly queueName: string; readonly label: string }>;
  /**
   * The processor's Kafka mapping, and the topic it sends records it gave up on to.
   * @default - none (LocalStack)
   */
  readonly mapping?: {
    readonly functionName: string;
    readonly uuid: string;
    /** @default - no failure-topic row or alarm (the local console when no failure topic is configured) */
    readonly failureTopicName?: string;
  };
  /** MSK cluster; brokerCount 0 for serverless. @default - none */
  readonly kafka?: { readonly clusterName: string; readonly brokerCount: number };
  /** RDS instance and its allocated storage. @default - none */
  readonly database?: { readonly instanceIdentifier: string; readonly allocatedStorageGiB: number };
  /** Keyspaces keyspace and tables. @default - none */
  readonly keyspaces?: { readonly keyspace: string; readonly tables: readonly string[] };
  /** MWAA environment name. @default - none */
  readonly mwaa?: { readonly environmentName: string };
  /** OffsetLag (records) that raises the lag alarm (stage setting observability.offsetLagThreshold). */
  readonly offsetLagThreshold: number;
  /** End-to-end latency p99 (ms, `ingested_at` → every sink written) that raises its alarm. */
  readonly endToEndLatencyP99ThresholdMs: number;
}

/** Lowercase words joined by dashes: ids and anchors from titles. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
