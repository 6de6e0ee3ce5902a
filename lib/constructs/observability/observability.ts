import { Duration, Stack } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ApiGatewayMetrics } from './metrics/api-gateway.js';
import { KafkaClusterMetrics } from './metrics/kafka.js';
import { KeyspacesMetrics } from './metrics/keyspaces.js';
import { KafkaMappingMetrics, LambdaFunctionMetrics } from './metrics/lambda.js';
import { MwaaMetrics } from './metrics/mwaa.js';
import { PipelineMetrics } from './metrics/pipeline.js';
import { RdsInstanceMetrics } from './metrics/rds.js';
import { queueDepth } from './metrics/sqs.js';

/** What the dashboard and alarms watch; optional parts are absent on LocalStack. */
export interface ObservabilityProps {
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
  /** The processor's sinks, in write order: one dashboard row each (Processing.sinkNames). */
  readonly sinks: readonly string[];
  /** Dead-letter queues: name and label. */
  readonly deadLetterQueues: ReadonlyArray<{ readonly queueName: string; readonly label: string }>;
  /** The processor's Kafka mapping and its failure topic. @default - none (LocalStack) */
  readonly mapping?: {
    readonly functionName: string;
    readonly uuid: string;
    readonly failureTopicName: string;
  };
  /** MSK cluster; brokerCount 0 for serverless. @default - none */
  readonly kafka?: { readonly clusterName: string; readonly brokerCount: number };
  /** RDS instance and its allocated storage. @default - none */
  readonly database?: { readonly instanceIdentifier: string; readonly allocatedStorageGiB: number };
  /** Keyspaces keyspace and tables. @default - none */
  readonly keyspaces?: { readonly keyspace: string; readonly tables: readonly string[] };
  /** MWAA environment name. @default - none */
  readonly mwaa?: { readonly environmentName: string };
  /** OffsetLag (records) that raises the lag alarm. @default 10000 */
  readonly offsetLagThreshold?: number;
  /** Create alarms and their SNS topic. @default true */
  readonly alarms?: boolean;
  /** E-mail subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * One CloudWatch dashboard per stage with a row per pipeline stage (API → ingest → MSK → mapping →
 * processor → dead letters → RDS → Keyspaces → MWAA), and alarms on the metrics that mean trouble,
 * notifying one encrypted SNS topic.
 */
export class Observability extends Construct {
  /** The dashboard. */
  readonly dashboard: cw.Dashboard;
  /** The alarm topic (when alarms are on). */
  readonly alarmTopic?: sns.Topic;
  /** Alarms by short name. */
  readonly alarms: ReadonlyMap<string, cw.Alarm>;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const api = new ApiGatewayMetrics(props.api.apiName, props.api.stageName);
    const http = new LambdaFunctionMetrics(props.functions.ingestHttp, 'ingest-http');
    const pull = new LambdaFunctionMetrics(props.functions.ingestPull, 'ingest-pull');
    const processor = new LambdaFunctionMetrics(props.functions.processor, 'processor');
    const custom = new PipelineMetrics();
    const mapping = props.mapping
      ? new KafkaMappingMetrics(props.mapping.functionName, props.mapping.uuid)
      : undefined;
    const kafka = props.kafka
      ? new KafkaClusterMetrics(props.kafka.clusterName, props.kafka.brokerCount)
      : undefined;
    const rds = props.database ? new RdsInstanceMetrics(props.database.instanceIdentifier) : undefined;
    const keyspaces = props.keyspaces
      ? new KeyspacesMetrics(props.keyspaces.keyspace, props.keyspaces.tables)
      : undefined;
    const mwaa = props.mwaa ? new MwaaMetrics(props.mwaa.environmentName) : undefined;
    const deadLetterDepths = props.deadLetterQueues.map((queue) => ({
      name: queue.queueName,
      metric: queueDepth(queue.queueName, queue.label),
    }));

    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      dashboardName: `realtime-user-pipeline-${props.stageName}`,
      defaultInterval: Duration.hours(3),
    });
    const graph = (title: string, left: cw.IMetric[], right: cw.IMetric[] = [], width = 8) =>
      new cw.GraphWidget({ title, left, right, width, height: 6 });
    const row = (title: string, ...widgets: cw.IWidget[]) => {
      this.dashboard.addWidgets(new cw.TextWidget({ markdown: `### ${title}`, width: 24, height: 1 }));
      this.dashboard.addWidgets(...widgets);
    };

    row(
      'API Gateway',
      graph('Requests', [api.requests()]),
      graph('Errors', [api.clientErrors(), api.serverErrors()]),
      graph('Latency', [api.latencyP99(), api.integrationLatencyP99()]),
    );
    row(
      'Ingestion',
      graph('Events produced', [custom.httpEventsProduced(), custom.pullEventsProduced()]),
      graph('Produce errors', [
        custom.httpProduceFailures(),
        custom.httpValidationFailures(),
        custom.pullFailures(),
        http.errors(),
        pull.errors(),
      ]),
      graph('Produce latency', [custom.httpProduceLatencyP99(), http.durationP99()]),
    );
    if (kafka) {
      const underReplicated = kafka.underReplicatedPartitions();
      row(
        'Amazon MSK',
        graph('Throughput (bytes/s)', [kafka.bytesIn(), kafka.bytesOut()]),
        ...(underReplicated ? [graph('Under-replicated partitions', [underReplicated])] : []),
      );
    }
    if (mapping) {
      row(
        'Event source mapping',
        graph('OffsetLag', [mapping.offsetLag()], [custom.oldestRecordAgeMax()], 24),
      );
      // Failure path row (h12); kept minimal so the observability segments refactor can absorb it.
      row(
        `Failure topic (${props.mapping?.failureTopicName})`,
        graph('Records sent to the failure topic', [mapping.failureDestinationDelivered()], [], 12),
        graph('Records dropped (failure topic unreachable)', [mapping.droppedEvents()], [], 12),
      );
    }
    row(
      'Processor',
      graph(
        'Invocations / errors / throttles',
        [processor.invocations(), processor.errors(), processor.throttles()],
        [processor.concurrentExecutions()],
      ),
      graph('Records', [custom.recordsValid(), custom.recordsInvalid(), custom.batchFailures()]),
      graph('Duration p99', [processor.durationP99()]),
    );
    for (const sink of props.sinks) {
      row(
        `Sink: ${sink}`,
        graph(`${sink} write latency p99`, [custom.sinkWriteLatencyP99(sink)], [], 12),
        graph(`${sink} write failures`, [custom.sinkWriteFailures(sink)], [], 12),
      );
    }
    row(
      'Dead letters',
      ...(deadLetterDepths.length > 0
        ? [
            graph(
              'Dead-letter queue depth',
              deadLetterDepths.map((q) => q.metric),
              [],
              12,
            ),
          ]
        : []),
      graph('Records dead-lettered by the processor', [custom.recordsInvalid()], [], 12),
    );
    if (rds) {
      row(
        'RDS PostgreSQL',
        graph('CPU', [rds.cpu()]),
        graph('Connections', [rds.connections()]),
        graph('Free storage', [rds.freeStorageBytes()]),
      );
    }
    if (keyspaces) {
      row(
        'Amazon Keyspaces',
        graph(
          'Errors and throttles',
          [keyspaces.systemErrors(), keyspaces.userErrors(), keyspaces.partitionThroughputExceeded()],
          [],
          12,
        ),
        graph('Write latency', keyspaces.writeLatency(), [], 12),
      );
    }
    if (mwaa) {
      row(
        'MWAA',
        graph('Tasks', [mwaa.taskFailures(), mwaa.taskSuccesses()]),
        graph('DAG import errors', [mwaa.importErrors()]),
        graph('Scheduler heartbeat', [mwaa.schedulerHeartbeat()]),
      );
    }

    const alarms = new Map<string, cw.Alarm>();
    if (props.alarms ?? true) {
      const key = new kms.Key(this, 'AlarmTopicKey', {
        description: `Alarm topic of the ${props.stageName} pipeline`,
        enableKeyRotation: true,
      });
      // CloudWatch publishes alarm notifications to the encrypted topic.
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
      const topic = new sns.Topic(this, 'AlarmTopic', {
        displayName: `Real-time user pipeline alarms (${props.stageName})`,
        masterKey: key,
        enforceSSL: true,
      });
      if (props.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      this.alarmTopic = topic;
      const action = new cwActions.SnsAction(topic);
      const alarm = (
        name: string,
        metric: cw.IMetric,
        threshold: number,
        description: string,
        options: Partial<cw.CreateAlarmOptions> = {},
      ) => {
        const created = new cw.Alarm(this, `Alarm-${name}`, {
          alarmName: `realtime-user-pipeline-${props.stageName}-${name}`,
          alarmDescription: description,
          metric,
          threshold,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cw.TreatMissingData.NOT_BREACHING,
          ...options,
        });
        created.addAlarmAction(action);
        created.addOkAction(action);
        alarms.set(name, created);
      };

      alarm('api-5xx', api.serverErrors(), 0, 'The ingestion API answered 5xx (Kafka unavailable or a bug).');
      alarm(
        'processor-errors',
        processor.errors(),
        0,
        'The processor failed batches; the mapping retries them.',
      );
      alarm('pull-failures', pull.errors(), 0, 'The scheduled pull failed.', {
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
      if (mapping) {
        alarm(
          'offset-lag',
          mapping.offsetLag(),
          props.offsetLagThreshold ?? 10_000,
          'The processor is falling behind the users_created topic.',
          { evaluationPeriods: 10, datapointsToAlarm: 5 },
        );
        alarm(
          'failed-records',
          mapping.failureDestinationDelivered(),
          0,
          `Records reached the failure topic ${props.mapping?.failureTopicName}: fix the cause, then replay_failed_batches.`,
          { evaluationPeriods: 1, datapointsToAlarm: 1 },
        );
      }
      for (const queue of deadLetterDepths) {
        alarm(
          `dead-letters-${queue.name.replace(/[^A-Za-z0-9-]/g, '')}`,
          queue.metric,
          0,
          `Messages wait in ${queue.name}.`,
          {
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
          },
        );
      }
      if (rds && props.database) {
        alarm('rds-cpu', rds.cpu(), 80, 'RDS CPU above 80%.', { evaluationPeriods: 3, datapointsToAlarm: 3 });
        alarm(
          'rds-free-storage',
          rds.freeStorageBytes(),
          props.database.allocatedStorageGiB * 1024 ** 3 * 0.1,
          'RDS free storage below 10% of the allocated storage.',
          {
            comparisonOperator: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
          },
        );
      }
      if (keyspaces) {
        alarm(
          'keyspaces-system-errors',
          keyspaces.systemErrors(),
          0,
          'Amazon Keyspaces returned server errors to the processor.',
          {
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
          },
        );
      }
      const underReplicated = kafka?.underReplicatedPartitions();
      if (underReplicated) {
        alarm('msk-under-replicated', underReplicated, 0, 'MSK has under-replicated partitions.', {
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
        });
      }
    }
    this.alarms = alarms;
  }
}
