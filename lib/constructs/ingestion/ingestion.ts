import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { PullScheduleSettings } from '../../config/stage-settings.js';
import type { ServiceAccess } from '../shared/access.js';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { skipCheckov } from '../shared/checkov.js';
import { PipelineFunction, type PipelineFunctionProps } from '../shared/pipeline-function.js';
import { IngestionApi, type IngestionApiProps } from './ingestion-api.js';

/** The optional VPC placement of the ingestion Lambdas. */
export interface IngestionNetwork {
  /** VPC. */
  readonly vpc: ec2.IVpc;
  /** Private subnets with egress (the pull Lambda calls an external API). */
  readonly subnets: ec2.SubnetSelection;
}

/** Props of {@link Ingestion}: the API's (its handler is the construct's own ingest-http function) and the pull's. */
export interface IngestionProps extends Omit<IngestionApiProps, 'handler'> {
  /** Kafka producer settings and grants. */
  readonly kafka: ServiceAccess;
  /** VPC placement; undefined for the LocalStack stage. @default - not in a VPC */
  readonly network?: IngestionNetwork;
  /** Pull schedule; undefined creates no schedule. @default - no schedule */
  readonly pullSchedule?: PullScheduleSettings;
  /** randomuser.me-compatible API of the pull Lambda. @default 'https://randomuser.me' */
  readonly randomUserBaseUrl?: string;
}

/**
 * Ingestion: the REST API (`POST /v1/users`, `DELETE /v1/users/{id}`, `GET /v1/health`) in front of the
 * ingest-http Lambda, and the ingest-pull Lambda on an EventBridge Scheduler schedule. Both produce to Kafka.
 * The API, its caller authentication and WAF are {@link IngestionApi}'s.
 */
export class Ingestion extends Construct {
  /** The REST API. */
  readonly api: apigateway.RestApi;
  /** ingest-http. */
  readonly httpFunction: PipelineFunction;
  /** ingest-pull. */
  readonly pullFunction: PipelineFunction;
  /** The pull schedule, when configured. */
  readonly schedule?: scheduler.Schedule;
  /** Dead letters of the schedule's failed invocations, when a schedule exists. */
  readonly scheduleDeadLetters?: sqs.Queue;
  /** API access logs. */
  readonly accessLogs: logs.LogGroup;
  /** The web ACL, when `waf` is set. */
  readonly webAcl?: wafv2.CfnWebACL;
  /** The API key, when `auth` is `apiKey`. */
  readonly apiKey?: apigateway.IApiKey;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    if (props.pullSchedule) this.scheduleDeadLetters = this.createScheduleDeadLetters();

    this.httpFunction = new PipelineFunction(this, 'HttpFunction', {
      noDeadLetterQueueReason: 'Invoked synchronously by API Gateway; the caller gets the error.',
      entry: 'ingest-http/handler.ts',
      serviceName: 'ingest-http',
      description:
        'POST /v1/users, DELETE /v1/users/{id}: validates and produces user.created / user.deleted events',
      memorySizeMiB: 512,
      timeout: Duration.seconds(25),
      logRetentionDays: props.logRetentionDays,
      environment: props.kafka.environment,
      ...this.placement('IngestHttp', props.network),
    });
    props.kafka.grant(this.httpFunction.function);

    this.pullFunction = new PipelineFunction(this, 'PullFunction', {
      entry: 'ingest-pull/handler.ts',
      serviceName: 'ingest-pull',
      description: 'Pulls users from a randomuser.me-compatible API and produces them to Kafka',
      memorySizeMiB: 512,
      // PULL_DEADLINE_MS (120 s) + PULL_PRODUCE_RESERVE_MS (15 s) + headroom.
      timeout: Duration.minutes(3),
      logRetentionDays: props.logRetentionDays,
      environment: {
        ...props.kafka.environment,
        RANDOMUSER_BASE_URL: props.randomUserBaseUrl ?? 'https://randomuser.me',
      },
      ...this.placement('IngestPull', props.network),
      ...(this.scheduleDeadLetters
        ? { deadLetterQueue: this.scheduleDeadLetters }
        : { noDeadLetterQueueReason: 'No schedule on this stage; invoked synchronously (MWAA, tests).' }),
    });
    props.kafka.grant(this.pullFunction.function);

    if (props.pullSchedule && this.scheduleDeadLetters) {
      this.schedule = this.createPullSchedule(props.pullSchedule, this.scheduleDeadLetters);
    }

    const ingestionApi = new IngestionApi(this, { ...props, handler: this.httpFunction.function });
    this.api = ingestionApi.api;
    this.accessLogs = ingestionApi.accessLogs;
    this.webAcl = ingestionApi.webAcl;
    this.apiKey = ingestionApi.apiKey;
  }

  /** VPC placement of one function, with its own security group; nothing outside a VPC. */
  private placement(name: string, network: IngestionNetwork | undefined): Partial<PipelineFunctionProps> {
    if (!network) return {};
    const securityGroup = new ec2.SecurityGroup(this, `${name}SecurityGroup`, {
      vpc: network.vpc,
      description: `${name}: to MSK, AWS endpoints and (via NAT) the internet`,
      allowAllOutbound: true,
    });
    return { vpc: network.vpc, vpcSubnets: network.subnets, securityGroups: [securityGroup] };
  }

  private createScheduleDeadLetters(): sqs.Queue {
    const queue = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      "This queue is itself a dead-letter queue (of the pull schedule and of the pull function's " +
      'asynchronous invocations); nothing consumes from it, its depth is alarmed.';
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason },
    );
    skipCheckov(queue, {
      id: 'CKV_AWS_27',
      reason:
        'Encrypted at rest with SQS-managed SSE (SqsManagedSseEnabled); CKV_AWS_27 only recognises a KMS key ' +
        'id, and this queue holds scheduler metadata only.',
    });
    return queue;
  }

  private createPullSchedule(settings: PullScheduleSettings, deadLetters: sqs.IQueue): scheduler.Schedule {
    const schedule = new scheduler.Schedule(this, 'PullSchedule', {
      description: `Pulls ${settings.count} users every ${settings.rateMinutes} minutes`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(settings.rateMinutes)),
      enabled: settings.enabled,
      target: new schedulerTargets.LambdaInvoke(this.pullFunction.function, {
        input: scheduler.ScheduleTargetInput.fromObject({ count: settings.count }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
        deadLetterQueue: deadLetters,
      }),
    });
    // The target's role is a stack-level singleton named after the target function.
    for (const child of Stack.of(this).node.children) {
      if (child.node.id.startsWith('SchedulerRoleForTarget-')) {
        acknowledgeIamFindings(
          child,
          'AwsSolutions-IAM5',
          [/^Resource::<[A-Za-z0-9]*PullFunction[A-Za-z0-9]*\.Arn>:\*$/],
          'EventBridge Scheduler target role (aws-cdk-lib): lambda:InvokeFunction on the pull function and ' +
            'its versions/aliases (<arn>:*), nothing else.',
        );
      }
    }
    return schedule;
  }
}
