import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { isPublicRoute } from '../../../lambdas/ingest-http/routes.js';
import type { ApiAuthMode, PullScheduleSettings } from '../../config/stage-settings.js';
import type { ServiceAccess } from '../shared/access.js';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { skipCheckov } from '../shared/checkov.js';
import { PipelineFunction, retentionDays } from '../shared/pipeline-function.js';
import { deleteUserRequestParameters, usersRequestSchema } from './users-request-model.js';

/** The optional VPC placement of the ingestion Lambdas. */
export interface IngestionNetwork {
  /** VPC. */
  readonly vpc: ec2.IVpc;
  /** Private subnets with egress (the pull Lambda calls an external API). */
  readonly subnets: ec2.SubnetSelection;
}

/** Props of {@link Ingestion}. */
export interface IngestionProps {
  /** Stage name: the API stage and part of resource names. */
  readonly stageName: string;
  /** Kafka producer settings and grants. */
  readonly kafka: ServiceAccess;
  /** VPC placement; undefined for the LocalStack stage. @default - not in a VPC */
  readonly network?: IngestionNetwork;
  /** Caller authentication for `POST /v1/users` and `DELETE /v1/users/{id}`. */
  readonly auth: ApiAuthMode;
  /** Steady-state requests per second. */
  readonly throttleRateLimit: number;
  /** Burst requests. */
  readonly throttleBurstLimit: number;
  /** Attach an AWS WAF web ACL with AWS managed rule groups. @default false */
  readonly waf?: boolean;
  /** With `waf`: requests per client IP per 5 minutes before the web ACL blocks it. @default 2000 */
  readonly wafRequestsPerIpPer5Minutes?: number;
  /** Execution logging and the account-level API Gateway CloudWatch role (not on LocalStack). @default true */
  readonly executionLogging?: boolean;
  /** Pull schedule; undefined creates no schedule. @default - no schedule */
  readonly pullSchedule?: PullScheduleSettings;
  /** randomuser.me-compatible API of the pull Lambda. @default 'https://randomuser.me' */
  readonly randomUserBaseUrl?: string;
  /** Days logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * Ingestion: the REST API (`POST /v1/users`, `DELETE /v1/users/{id}`, `GET /v1/health`) in front of the
 * ingest-http Lambda, and the ingest-pull Lambda on an EventBridge Scheduler schedule. Both produce to Kafka.
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
    const executionLogging = props.executionLogging ?? true;
    const networkProps = (name: string) => {
      if (!props.network) return {};
      const securityGroup = new ec2.SecurityGroup(this, `${name}SecurityGroup`, {
        vpc: props.network.vpc,
        description: `${name}: to MSK, AWS endpoints and (via NAT) the internet`,
        allowAllOutbound: true,
      });
      return { vpc: props.network.vpc, vpcSubnets: props.network.subnets, securityGroups: [securityGroup] };
    };

    if (props.pullSchedule) {
      this.scheduleDeadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const reason =
        "This queue is itself a dead-letter queue (of the pull schedule and of the pull function's " +
        'asynchronous invocations); nothing consumes from it, its depth is alarmed.';
      Validations.of(this.scheduleDeadLetters).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-SQS3', reason },
        { id: 'Serverless::Serverless-SQSRedrivePolicy', reason },
      );
      skipCheckov(this.scheduleDeadLetters, {
        id: 'CKV_AWS_27',
        reason:
          'Encrypted at rest with SQS-managed SSE (SqsManagedSseEnabled); CKV_AWS_27 only recognises a KMS key ' +
          'id, and this queue holds scheduler metadata only.',
      });
    }

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
      ...networkProps('IngestHttp'),
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
      ...networkProps('IngestPull'),
      ...(this.scheduleDeadLetters
        ? { deadLetterQueue: this.scheduleDeadLetters }
        : { noDeadLetterQueueReason: 'No schedule on this stage; invoked synchronously (MWAA, tests).' }),
    });
    props.kafka.grant(this.pullFunction.function);

    if (props.pullSchedule && this.scheduleDeadLetters) {
      this.schedule = new scheduler.Schedule(this, 'PullSchedule', {
        description: `Pulls ${props.pullSchedule.count} users every ${props.pullSchedule.rateMinutes} minutes`,
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(props.pullSchedule.rateMinutes)),
        enabled: props.pullSchedule.enabled,
        target: new schedulerTargets.LambdaInvoke(this.pullFunction.function, {
          input: scheduler.ScheduleTargetInput.fromObject({ count: props.pullSchedule.count }),
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
          deadLetterQueue: this.scheduleDeadLetters,
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
    }

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `realtime-user-pipeline-${props.stageName}`,
      description: 'Real-time user pipeline ingestion API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: executionLogging,
      ...(executionLogging ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        throttlingRateLimit: props.throttleRateLimit,
        throttlingBurstLimit: props.throttleBurstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        ...(executionLogging
          ? {
              loggingLevel: apigateway.MethodLoggingLevel.ERROR,
              dataTraceEnabled: false,
              metricsEnabled: true,
            }
          : {}),
      },
    });

    // Refused bodies get the same error shape the Lambda uses.
    this.api.addGatewayResponse('BadRequestBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      templates: {
        'application/json':
          '{"error":{"code":"validation_failed","message":$context.error.validationErrorString,' +
          '"request_id":"$context.requestId","issues":[]}}',
      },
    });

    const usersModel = this.api.addModel('UsersRequest', {
      contentType: 'application/json',
      modelName: 'UsersRequest',
      description: 'One user.created v1 payload, or {"users": [...]} (see the user-created.v1 JSON Schema)',
      schema: usersRequestSchema(),
    });
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    const integration = new apigateway.LambdaIntegration(this.httpFunction.function, {
      proxy: true,
      timeout: Duration.seconds(29),
    });
    const v1 = this.api.root.addResource('v1');
    const users = v1.addResource('users');
    // Who may call what: one rule (lambdas/ingest-http/routes.ts), shared with the OpenAPI document and the
    // local adapter.
    const callerAuth = (method: string, resource: string): apigateway.MethodOptions =>
      isPublicRoute(method, resource)
        ? { authorizationType: apigateway.AuthorizationType.NONE }
        : props.auth === 'iam'
          ? { authorizationType: apigateway.AuthorizationType.IAM }
          : { apiKeyRequired: true };
    const postUsers = users.addMethod('POST', integration, {
      requestValidator: validator,
      requestModels: { 'application/json': usersModel },
      ...callerAuth('POST', '/v1/users'),
    });
    const deleteUser = users.addResource('{id}').addMethod('DELETE', integration, {
      requestValidator: validator,
      requestParameters: deleteUserRequestParameters(),
      ...callerAuth('DELETE', '/v1/users/{id}'),
    });
    const health = v1.addResource('health').addMethod('GET', integration, {
      requestValidator: validator,
      ...callerAuth('GET', '/v1/health'),
    });
    const healthReason =
      'GET /v1/health is an unauthenticated liveness probe for load balancers and uptime checks; it returns ' +
      'no data and is throttled with the stage.';
    Validations.of(health).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-APIG4', reason: healthReason },
      { id: 'AwsSolutions::AwsSolutions-COG4', reason: healthReason },
    );
    skipCheckov(health, { id: 'CKV_AWS_59', reason: healthReason });
    skipCheckov(this.api.deploymentStage, {
      id: 'CKV_AWS_120',
      reason:
        'Nothing to cache: POST /v1/users must reach the Lambda every time and GET /v1/health must reflect ' +
        'the live function.',
    });
    if (props.auth === 'apiKey') {
      const reason =
        'Callers authenticate with an API key bound to a throttled usage plan (stage setting api.auth=apiKey); ' +
        'prod uses IAM authorization.';
      for (const method of [postUsers, deleteUser]) {
        Validations.of(method).acknowledge(
          { id: 'AwsSolutions::AwsSolutions-APIG4', reason },
          { id: 'AwsSolutions::AwsSolutions-COG4', reason },
        );
      }
      const plan = this.api.addUsagePlan('UsagePlan', {
        name: `realtime-user-pipeline-${props.stageName}`,
        throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      this.apiKey = this.api.addApiKey('ApiKey', { description: `Ingestion API key (${props.stageName})` });
      plan.addApiKey(this.apiKey);
    } else {
      for (const method of [postUsers, deleteUser]) {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions::AwsSolutions-COG4',
          reason: 'Callers are AWS principals authorized with IAM (SigV4); there is no end-user pool.',
        });
      }
    }

    if (props.waf) {
      this.webAcl = this.createWebAcl(props.stageName, props.wafRequestsPerIpPer5Minutes ?? 2_000);
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: this.webAcl.attrArn,
      });
    } else {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason: `AWS WAF is enabled per stage (api.waf); the ${props.stageName} stage runs without it to save cost.`,
      });
    }
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledgeIamFindings(
        cloudWatchRole,
        'AwsSolutions-IAM4',
        [/AmazonAPIGatewayPushToCloudWatchLogs$/],
        'The account-level role API Gateway uses to write execution logs; AmazonAPIGatewayPushToCloudWatchLogs ' +
          'is the policy AWS documents for it.',
      );
    }
    if (!executionLogging) {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG6',
        reason:
          'LocalStack stage: execution logging needs the account-level API Gateway CloudWatch role, which ' +
          'the LocalStack stage does not create; access logs are on.',
      });
    }
  }

  private createWebAcl(stageName: string, requestsPerIpPer5Minutes: number): wafv2.CfnWebACL {
    const managed = (
      name: string,
      priority: number,
      countOnly: string[] = [],
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(countOnly.length > 0
            ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    return new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `realtime-user-pipeline-${stageName}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: `realtime-user-pipeline-${stageName}`,
        sampledRequestsEnabled: true,
      },
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        // Batches of up to 500 users (512 KiB) are legitimate: the 8 KiB body limit only counts.
        managed('AWSManagedRulesCommonRuleSet', 1, ['SizeRestrictions_BODY']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'RateLimitPerIp',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: requestsPerIpPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'RateLimitPerIp',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
  }
}
