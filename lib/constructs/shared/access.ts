import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';

/** A Lambda (or other principal) that may also sit in a VPC. */
export type Client = iam.IGrantable & { readonly connections?: ec2.Connections };

/**
 * How a function reaches a backing service: the environment variables it reads and the grants (IAM and
 * network) it needs. MSK/RDS/Keyspaces implement it in AWS stages; the LocalStack stage passes the compose
 * service addresses and grants nothing.
 */
export interface ServiceAccess {
  /** Environment variables the function's config reader expects. */
  readonly environment: Readonly<Record<string, string>>;
  /** IAM and security-group grants for one client. */
  grant(client: Client): void;
}

/** Access to a service reachable without AWS grants (LocalStack stage). */
export function staticAccess(environment: Readonly<Record<string, string>>): ServiceAccess {
  return { environment, grant: () => undefined };
}

/** A store the processor writes to: its name (as the processor's sink list names it) and its client access. */
export interface SinkAccess extends ServiceAccess {
  /** The sink's name in lambdas/processor (PROCESSOR_SINK_NAMES). */
  readonly name: string;
}

/** A sink reachable without AWS grants (LocalStack stage). */
export function staticSinkAccess(name: string, environment: Readonly<Record<string, string>>): SinkAccess {
  return { name, ...staticAccess(environment) };
}
