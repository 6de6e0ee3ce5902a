import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { skipCheckov } from '../shared/checkov.js';
import {
  PIPELINE_ARCHITECTURE,
  PIPELINE_RUNTIME,
  retentionDays,
  vendoredFunctionCheckovSkips,
} from '../shared/pipeline-function.js';

/** Address range of the pipeline VPC. */
export const VPC_CIDR = '10.40.0.0/16';

/** Props of {@link Network}. */
export interface NetworkProps {
  /** Availability zones to spread subnets over (2 or 3). */
  readonly maxAzs: number;
  /**
   * NAT gateways. 0 makes the private subnets isolated: everything then goes through the VPC endpoints and
   * nothing reaches the internet (the pull Lambda cannot call an external API).
   * @default 1
   */
  readonly natGateways?: number;
  /** Days the VPC flow logs are kept. @default 14 */
  readonly flowLogRetentionDays?: number;
}

/**
 * The pipeline's VPC: public subnets only for NAT gateways, private subnets for everything else, interface
 * endpoints for the AWS APIs the Lambdas and MWAA call (Secrets Manager, STS, CloudWatch Logs and metrics,
 * Amazon Keyspaces, Lambda) plus the S3 gateway endpoint, and flow logs of all traffic.
 */
export class Network extends Construct {
  /** The VPC. */
  readonly vpc: ec2.Vpc;
  /** Where workloads run: private with egress when NAT exists, isolated otherwise. */
  readonly privateSubnets: ec2.SubnetSelection;
  /** Security group of the interface endpoints (HTTPS from inside the VPC). */
  readonly endpointSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const natGateways = props.natGateways ?? 1;
    const privateType =
      natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      { name: 'private', subnetType: privateType, cidrMask: 20 },
    ];
    if (natGateways > 0)
      subnetConfiguration.unshift({ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: props.maxAzs,
      natGateways,
      subnetConfiguration,
      restrictDefaultSecurityGroup: true,
    });
    this.privateSubnets = { subnetType: privateType };
    this.adoptRestrictDefaultSecurityGroupHandler();
    this.addFlowLogs(props.flowLogRetentionDays ?? 14);
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.endpointSecurityGroup = this.addInterfaceEndpoints();
  }

  /**
   * The default-security-group custom resource's Lambda (aws-cdk-lib, plain JavaScript) runs on the
   * project's architecture and runtime too.
   */
  private adoptRestrictDefaultSecurityGroupHandler(): void {
    const restrictProvider = Stack.of(this).node.tryFindChild(
      'Custom::VpcRestrictDefaultSGCustomResourceProvider',
    );
    const restrictHandler = restrictProvider?.node.tryFindChild('Handler');
    if (restrictHandler instanceof CfnResource) {
      restrictHandler.addPropertyOverride('Architectures', [PIPELINE_ARCHITECTURE.name]);
      restrictHandler.addPropertyOverride('Runtime', PIPELINE_RUNTIME.name);
      skipCheckov(
        restrictHandler,
        ...vendoredFunctionCheckovSkips(
          'aws-cdk-lib custom resource handler that strips the default security group rules once per deploy.',
        ),
      );
    }
  }

  /** Flow logs of all traffic, kept `days` days. */
  private addFlowLogs(days: number): void {
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: retentionDays(days),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }

  /** The interface endpoints of the AWS APIs the Lambdas and MWAA call; returns their security group. */
  private addInterfaceEndpoints(): ec2.SecurityGroup {
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(443), 'HTTPS from the VPC');
    // Amazon Keyspaces speaks CQL over TLS on 9142 through its endpoint.
    endpointSecurityGroup.addIngressRule(
      ec2.Peer.ipv4(VPC_CIDR),
      ec2.Port.tcp(9142),
      'CQL/TLS to Amazon Keyspaces from the VPC',
    );

    const interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Sts: ec2.InterfaceVpcEndpointAwsService.STS,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      Monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
      // cassandra.<region>.amazonaws.com resolves to this endpoint (private DNS).
      Keyspaces: ec2.InterfaceVpcEndpointAwsService.KEYSPACES,
      // The MSK event source mapping's pollers call Lambda and STS from the cluster's subnets.
      Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
    };
    for (const [name, service] of Object.entries(interfaceEndpoints)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        privateDnsEnabled: true,
        securityGroups: [endpointSecurityGroup],
        subnets: this.privateSubnets,
        open: false,
      });
    }
    return endpointSecurityGroup;
  }
}
