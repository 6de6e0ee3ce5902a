/**
 * The stack's outputs (CloudFormation `Outputs`), by role: what `npm run verify` and an operator read after a
 * deploy instead of looking resources up by name. One definition for the stack and its readers.
 */
export const STACK_OUTPUTS = {
  /** Base URL of the ingestion API's stage. */
  apiUrl: 'ApiUrl',
  /** Id of the API key (stage setting api.auth = apiKey); its value is read with API Gateway GetApiKey. */
  apiKeyId: 'ApiKeyId',
  /** The CloudWatch dashboard. */
  dashboardName: 'DashboardName',
  /** Comma-separated names of every alarm of the dashboard definition. */
  alarmNames: 'AlarmNames',
  /** The scheduled pull function (ingest-pull). */
  pullFunctionName: 'PullFunctionName',
  /** The processor behind the event source mapping. */
  processorFunctionName: 'ProcessorFunctionName',
  /** The verification function `npm run verify` invokes (aws stages). */
  verificationFunctionName: 'VerificationFunctionName',
  /** UUID of the processor's MSK event source mapping (aws stages). */
  eventSourceMappingUuid: 'EventSourceMappingUuid',
  /** The MSK cluster (aws stages). */
  kafkaClusterArn: 'KafkaClusterArn',
  /** The source topic, users_created (aws stages). */
  topicName: 'TopicName',
  /** The mapping's failure topic (aws stages). */
  failureTopicName: 'FailureTopicName',
  /** The MWAA environment (aws stages). */
  mwaaEnvironmentName: 'MwaaEnvironmentName',
} as const;

export type StackOutputKey = (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS];
