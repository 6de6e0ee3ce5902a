import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import type { DatabaseLogin } from './postgres-connection.js';

/** Props of {@link createDatabaseProxy}. */
export interface DatabaseProxyProps {
  /** The instance behind the proxy (the proxy is its child `Proxy`). */
  readonly instance: rds.DatabaseInstance;
  /** Logins the proxy accepts: application roles only, so the master user cannot log in through it. */
  readonly logins: readonly DatabaseLogin[];
  /** VPC of the proxy. */
  readonly vpc: ec2.IVpc;
  /** Its subnets. */
  readonly subnets: ec2.SubnetSelection;
}

/**
 * The RDS Proxy the Lambdas connect to (TLS required), its security group (created in `scope`, the
 * RelationalStore construct) and the instance's ingress from it.
 */
export function createDatabaseProxy(scope: Construct, props: DatabaseProxyProps): rds.DatabaseProxy {
  const proxySecurityGroup = new ec2.SecurityGroup(scope, 'ProxySecurityGroup', {
    vpc: props.vpc,
    description: 'RDS Proxy: from the pipeline Lambdas',
    allowAllOutbound: true,
  });
  const proxy = props.instance.addProxy('Proxy', {
    secrets: props.logins.map((login) => login.secret),
    vpc: props.vpc,
    vpcSubnets: props.subnets,
    securityGroups: [proxySecurityGroup],
    requireTLS: true,
    iamAuth: false,
    borrowTimeout: Duration.seconds(30),
    maxConnectionsPercent: 80,
  });
  props.instance.connections.allowDefaultPortFrom(proxySecurityGroup, 'RDS Proxy');
  return proxy;
}
