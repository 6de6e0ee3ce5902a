import { CheckFailedError, type CheckResult, pass, type VerifyContext } from '../check.js';
import type { StagePorts } from '../ports.js';

/** Kafka and Airflow versions, broker type and count, and the orchestration environment's status. */
export async function checkDeployment(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const expected = context.expected;
  const deployed = await ports.deployment.versions();
  const problems: string[] = [];
  const sameLine =
    deployed.kafkaVersion === expected.kafkaVersion ||
    deployed.kafkaVersion.startsWith(`${expected.kafkaVersion}.`);
  if (!sameLine)
    problems.push(`Kafka ${deployed.kafkaVersion}, the stage config says ${expected.kafkaVersion}`);
  if (expected.broker) {
    if (deployed.brokerInstanceType !== expected.broker.instanceType)
      problems.push(
        `brokers are ${deployed.brokerInstanceType}, the stage config says ${expected.broker.instanceType}`,
      );
    if (deployed.brokerCount !== expected.broker.count)
      problems.push(`${deployed.brokerCount} brokers, the stage config says ${expected.broker.count}`);
  }
  if (deployed.airflowVersion !== expected.airflowVersion)
    problems.push(`Airflow ${deployed.airflowVersion}, mwaa-dags is tested on ${expected.airflowVersion}`);
  const status = deployed.orchestrationStatus;
  if (status !== undefined && status !== 'AVAILABLE')
    problems.push(`the MWAA environment is ${status}, not AVAILABLE`);
  if (problems.length > 0) throw new CheckFailedError(problems.join('; '));
  const brokers = deployed.brokerInstanceType
    ? ` on ${deployed.brokerCount} × ${deployed.brokerInstanceType}`
    : '';
  return pass(
    `Kafka ${deployed.kafkaVersion}${brokers}; Airflow ${deployed.airflowVersion}${status ? ` (${status})` : ''}`,
  );
}
