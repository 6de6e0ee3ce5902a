/**
 * Unit prices for the cost estimate: AWS on-demand LIST prices for us-east-1 in USD, as the author knew them
 * on the date below (from memory of the public pricing pages, not fetched). They drift: check the AWS Pricing
 * Calculator before relying on a number. Free tiers, savings plans, reserved instances and taxes are ignored.
 */
export const UNIT_PRICES_AS_OF = '2025-06-01';
export const UNIT_PRICES_REGION = 'us-east-1';

/** Hours in the estimate's month (AWS bills 730 h/month in its calculator). */
export const HOURS_PER_MONTH = 730;
/** Seconds in a 30-day month, for event rates. */
export const SECONDS_PER_MONTH = 30 * 24 * 3600;

export const UNIT_PRICES = {
  msk: {
    /** Provisioned broker-hour by instance type. */
    brokerHour: {
      'kafka.t3.small': 0.0456,
      'kafka.m5.large': 0.21,
      'kafka.m7g.large': 0.204,
      'kafka.m7g.xlarge': 0.408,
    } as Readonly<Record<string, number>>,
    /** Broker EBS storage, GB-month. */
    storageGbMonth: 0.1,
    serverless: {
      clusterHour: 0.75,
      partitionHour: 0.0015,
      dataInGb: 0.1,
      dataOutGb: 0.05,
      storageGbMonth: 0.1,
    },
  },
  rds: {
    /** PostgreSQL single-AZ instance-hour by class (Multi-AZ: ×2). */
    instanceHour: {
      'db.t4g.micro': 0.016,
      'db.t4g.small': 0.032,
      'db.t4g.medium': 0.065,
      'db.m7g.large': 0.168,
      'db.r7g.large': 0.239,
    } as Readonly<Record<string, number>>,
    /** vCPUs by class (RDS Proxy bills per vCPU of the target, minimum 2). */
    vcpus: {
      'db.t4g.micro': 2,
      'db.t4g.small': 2,
      'db.t4g.medium': 2,
      'db.m7g.large': 2,
      'db.r7g.large': 2,
    } as Readonly<Record<string, number>>,
    /** gp3 storage, GB-month, single-AZ (Multi-AZ: ×2). */
    gp3GbMonth: 0.115,
    proxyVcpuHour: 0.015,
  },
  keyspaces: {
    /** On-demand, per million write request units (1 WRU = one write of up to 1 KB). */
    writeRequestUnitsMillion: 1.45,
    readRequestUnitsMillion: 0.29,
    storageGbMonth: 0.25,
    pitrGbMonth: 0.2,
  },
  mwaa: {
    /** Environment-hour by class (includes the scheduler(s) and one worker). */
    environmentHour: {
      'mw1.micro': 0.25,
      'mw1.small': 0.49,
      'mw1.medium': 0.74,
      'mw1.large': 0.99,
    } as Readonly<Record<string, number>>,
    /** Additional worker-hour by class. */
    additionalWorkerHour: {
      'mw1.micro': 0.0,
      'mw1.small': 0.055,
      'mw1.medium': 0.11,
      'mw1.large': 0.22,
    } as Readonly<Record<string, number>>,
    metaDatabaseGbMonth: 0.1,
  },
  lambda: {
    /** arm64, per GB-second. */
    arm64GbSecond: 0.0000133334,
    requestsMillion: 0.2,
    /**
     * Kafka event source mapping in provisioned mode, per event poller unit-hour (one poller = one EPU).
     * The least certain number of this table.
     */
    eventPollerUnitHour: 0.185,
  },
  apiGateway: {
    /** REST API, first 333 million requests/month. */
    restRequestsMillion: 3.5,
  },
  vpc: {
    natGatewayHour: 0.045,
    natGatewayGb: 0.045,
    /** Interface endpoint, per AZ-hour. */
    interfaceEndpointAzHour: 0.01,
    interfaceEndpointGb: 0.01,
  },
  waf: {
    webAclMonth: 5,
    ruleMonth: 1,
    requestsMillion: 0.6,
  },
  cloudwatch: {
    dashboardMonth: 3,
    /** Standard-resolution alarm, per metric in it. */
    alarmMetricMonth: 0.1,
    customMetricMonth: 0.3,
    logsIngestedGb: 0.5,
  },
  secretsManager: { secretMonth: 0.4 },
  kms: { keyMonth: 1 },
} as const;
