import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { ApplicationRole } from '../../../lambdas/shared/schema/postgres/index.js';
import { DATABASE_NAME, type DatabaseLogin } from './postgres-connection.js';

/** Props of {@link createApplicationLogin}. */
export interface ApplicationLoginProps {
  /** Prefix of the secret's and rotation's construct ids (`Writer` gives `WriterSecret`, `WriterRotation`). */
  readonly id: string;
  /** The PostgreSQL role (migration 0006) the secret logs in as. */
  readonly role: ApplicationRole;
  /** The instance the secret is attached to and rotated against. */
  readonly instance: rds.DatabaseInstance;
  /** Key the secret is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** VPC of the rotation function. */
  readonly vpc: ec2.IVpc;
  /** Its subnets. */
  readonly subnets: ec2.SubnetSelection;
  /** Days between automatic password rotations. @default 30 */
  readonly rotationDays?: number;
}

/**
 * An application role's own secret, rotated single-user every `rotationDays` (the role changes its own
 * password; the username stays, so `PGUSER` is fixed). The first rotation waits for the schedule: the role
 * only gets LOGIN when the migrations custom resource has run. Created in `scope` (the RelationalStore
 * construct), whose construct path the logical ids keep.
 */
export function createApplicationLogin(scope: Construct, props: ApplicationLoginProps): DatabaseLogin {
  const secret = new rds.DatabaseSecret(scope, `${props.id}Secret`, {
    username: props.role,
    dbname: DATABASE_NAME,
    encryptionKey: props.encryptionKey,
  }).attach(props.instance);
  new secretsmanager.SecretRotation(scope, `${props.id}Rotation`, {
    application: secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
    secret,
    target: props.instance,
    vpc: props.vpc,
    vpcSubnets: props.subnets,
    automaticallyAfter: Duration.days(props.rotationDays ?? 30),
    rotateImmediatelyOnUpdate: false,
  });
  return { username: props.role, secret };
}
