/**
 * Unit prices for the cost estimate: AWS on-demand LIST prices for us-east-1 in USD. Every price carries the
 * page it comes from and the date of that figure (`asOf`: the date the source published or was checked).
 * Prices nobody could confirm against a source are `unconfirmed`; the estimate prints a mark next to them.
 * Free tiers, savings plans, reserved instances and taxes are ignored. Check the AWS Pricing Calculator
 * before relying on a number.
 */
export const UNIT_PRICES_REGION = 'us-east-1';

/** Hours in the estimate's month (AWS bills 730 h/month in its calculator). */
export const HOURS_PER_MONTH = 730;
/** Seconds in a 30-day month, for event rates. */
export const SECONDS_PER_MONTH = 30 * 24 * 3600;

/** One unit price with its provenance. */
export interface UnitPrice {
  readonly usd: number;
  /** Where the figure comes from (URL or AWS Price List offer file). */
  readonly source: string;
  /** Date of the figure: when the source published it or when it was checked (YYYY-MM-DD). */
  readonly asOf: string;
  /** True when no source could confirm the figure; printed with a mark in the estimate. */
  readonly unconfirmed?: boolean;
}

// Sources. The "author's table" date is the date of the original table (prices from the public pricing pages
// as known then); the figures checked again on 2026-11-27 say so.
const MSK = 'https://aws.amazon.com/msk/pricing/';
const RDS = 'https://aws.amazon.com/rds/postgresql/pricing/';
const RDS_PROXY = 'https://aws.amazon.com/rds/proxy/pricing/';
const KEYSPACES =
  'https://aws.amazon.com/keyspaces/pricing/ (AWS Price List offer file AmazonMCS, published 2025-11-05)';
const MWAA = 'https://aws.amazon.com/managed-workflows-for-apache-airflow/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const APIGW = 'https://aws.amazon.com/api-gateway/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/';
const IPV4 =
  'https://aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/ (effective 2024-02-01)';
const WAF = 'https://aws.amazon.com/waf/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';
const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const AUTHOR = '2025-06-01';
const CHECKED = '2026-11-27';

const price = (usd: number, source: string, asOf: string, unconfirmed = false): UnitPrice =>
  unconfirmed ? { usd, source, asOf, unconfirmed } : { usd, source, asOf };

export const UNIT_PRICES = {
  msk: {
    /** Provisioned broker-hour by instance type. */
    brokerHour: {
      'kafka.t3.small': price(0.0456, MSK, AUTHOR),
      'kafka.m5.large': price(0.21, MSK, AUTHOR),
      'kafka.m7g.large': price(0.204, MSK, AUTHOR),
      'kafka.m7g.xlarge': price(0.408, MSK, AUTHOR),
    } as Readonly<Record<string, UnitPrice>>,
    /** Broker EBS storage, GB-month. */
    storageGbMonth: price(0.1, MSK, AUTHOR),
    serverless: {
      clusterHour: price(0.75, MSK, AUTHOR),
      partitionHour: price(0.0015, MSK, AUTHOR),
      dataInGb: price(0.1, MSK, AUTHOR),
      dataOutGb: price(0.05, MSK, AUTHOR),
      storageGbMonth: price(0.1, MSK, AUTHOR),
    },
  },
  rds: {
    /** PostgreSQL single-AZ instance-hour by class (Multi-AZ: ×2). */
    instanceHour: {
      'db.t4g.micro': price(0.016, RDS, AUTHOR),
      'db.t4g.small': price(0.032, RDS, AUTHOR),
      'db.t4g.medium': price(0.065, RDS, AUTHOR),
      'db.m7g.large': price(0.168, RDS, AUTHOR, true),
      'db.r7g.large': price(0.239, RDS, AUTHOR),
    } as Readonly<Record<string, UnitPrice>>,
    /** gp3 storage, GB-month, single-AZ (Multi-AZ: ×2). */
    gp3GbMonth: price(0.115, RDS, AUTHOR),
    /** RDS Proxy per vCPU-hour of the target instance (minimum 2 vCPUs). */
    proxyVcpuHour: price(0.015, RDS_PROXY, AUTHOR, true),
  },
  keyspaces: {
    /** On-demand, per million write request units (1 WRU = one write of up to 1 KB); cut 2024-11-14. */
    writeRequestUnitsMillion: price(0.625, KEYSPACES, '2025-11-05'),
    /** On-demand, per million read request units (1 RRU = one LOCAL_QUORUM read of up to 4 KB). */
    readRequestUnitsMillion: price(0.125, KEYSPACES, '2025-11-05'),
    storageGbMonth: price(0.25, KEYSPACES, AUTHOR),
    pitrGbMonth: price(0.2, KEYSPACES, AUTHOR),
  },
  mwaa: {
    /** Environment-hour by class (includes the scheduler(s) and one worker). */
    environmentHour: {
      'mw1.micro': price(0.25, MWAA, AUTHOR, true),
      'mw1.small': price(0.49, MWAA, CHECKED),
      'mw1.medium': price(0.74, MWAA, AUTHOR),
      'mw1.large': price(0.99, MWAA, AUTHOR),
    } as Readonly<Record<string, UnitPrice>>,
    /** Additional worker-hour by class (mw1.micro has no additional workers). */
    additionalWorkerHour: {
      'mw1.micro': price(0.0, MWAA, AUTHOR, true),
      'mw1.small': price(0.055, MWAA, CHECKED),
      'mw1.medium': price(0.11, MWAA, AUTHOR),
      'mw1.large': price(0.22, MWAA, AUTHOR),
    } as Readonly<Record<string, UnitPrice>>,
  },
  lambda: {
    /** arm64, per GB-second. */
    arm64GbSecond: price(0.0000133334, LAMBDA, AUTHOR),
    requestsMillion: price(0.2, LAMBDA, AUTHOR),
    /** Kafka event source mapping in provisioned mode, per event poller unit-hour (one poller = one EPU). */
    eventPollerUnitHour: price(0.185, LAMBDA, AUTHOR, true),
  },
  apiGateway: {
    /** REST API, first 333 million requests/month. */
    restRequestsMillion: price(3.5, APIGW, AUTHOR),
  },
  vpc: {
    natGatewayHour: price(0.045, VPC, AUTHOR),
    natGatewayGb: price(0.045, VPC, AUTHOR),
    /** Public IPv4 address (each NAT gateway holds one Elastic IP), per hour. */
    publicIpv4Hour: price(0.005, IPV4, CHECKED),
    /** Interface endpoint, per AZ-hour. */
    interfaceEndpointAzHour: price(0.01, PRIVATELINK, AUTHOR),
    interfaceEndpointGb: price(0.01, PRIVATELINK, AUTHOR),
  },
  waf: {
    webAclMonth: price(5, WAF, AUTHOR),
    ruleMonth: price(1, WAF, AUTHOR),
    requestsMillion: price(0.6, WAF, AUTHOR),
  },
  cloudwatch: {
    dashboardMonth: price(3, CLOUDWATCH, AUTHOR),
    /** Standard-resolution alarm, per metric in it. */
    alarmMetricMonth: price(0.1, CLOUDWATCH, AUTHOR),
    customMetricMonth: price(0.3, CLOUDWATCH, AUTHOR),
    /** Standard log ingestion (Lambda, API Gateway access logs, MSK broker logs, MWAA logs), first 10 TB. */
    logsIngestedGb: price(0.5, CLOUDWATCH, CHECKED),
    /** Vended logs (VPC flow logs) delivered to CloudWatch Logs, first 10 TB. */
    vendedLogsGb: price(0.5, CLOUDWATCH, CHECKED),
  },
  xray: {
    /** Traces recorded, per million (API Gateway and Lambda active tracing). */
    tracesRecordedMillion: price(5, XRAY, CHECKED),
  },
  secretsManager: { secretMonth: price(0.4, SECRETS, AUTHOR) },
  kms: { keyMonth: price(1, KMS, AUTHOR) },
} as const;

/** Every price of the table with its dotted path, for the provenance test and the footnote. */
export function listUnitPrices(): { path: string; price: UnitPrice }[] {
  const out: { path: string; price: UnitPrice }[] = [];
  const walk = (node: unknown, path: string): void => {
    if (node && typeof node === 'object' && 'usd' in node) out.push({ path, price: node as UnitPrice });
    else if (node && typeof node === 'object')
      for (const [key, child] of Object.entries(node)) walk(child, path ? `${path}.${key}` : key);
  };
  walk(UNIT_PRICES, '');
  return out;
}

/** Newest `asOf` of the table: the day its prices were last reviewed (derived, so it cannot drift). */
export const UNIT_PRICES_AS_OF = listUnitPrices()
  .map(({ price }) => price.asOf)
  .sort()
  .at(-1) as string;
