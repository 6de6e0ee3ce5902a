// Tests local/verify/checks/index.ts; also every check of local/verify/checks/ and local/verify/check.ts.
import { describe, expect, it } from 'vitest';
import { CheckFailedError } from '../../../../../local/verify/check.js';
import { checkCleanup } from '../../../../../local/verify/checks/cleanup.js';
import { checkDeployment } from '../../../../../local/verify/checks/deployment.js';
import {
  checkFailurePath,
  mappingProblems,
  topicProblems,
} from '../../../../../local/verify/checks/failure-path.js';
import { checkPull, checkPush } from '../../../../../local/verify/checks/ingestion.js';
import { checkObservability } from '../../../../../local/verify/checks/observability.js';
import { checkOrchestration, dataQualityConf } from '../../../../../local/verify/checks/orchestration.js';
import { checkPoison, checkStores } from '../../../../../local/verify/checks/stores.js';
import { devMapping, devTopic, EXPECTED, fakeContext, fakePorts } from '../fake-stage.js';

const IDS = ['0a1b2c3d-7e57-4000-8000-000000000000', '0a1b2c3d-7e57-4000-8000-000000000001'];

describe('deployment', () => {
  it('passes on the stage config’s versions and fails naming each difference', async () => {
    expect((await checkDeployment(fakePorts(), fakeContext())).status).toBe('pass');
    const ports = fakePorts({
      deployment: {
        versions: async () => ({
          kafkaVersion: '3.9.x',
          brokerInstanceType: 'kafka.m7g.large',
          brokerCount: 2,
          airflowVersion: '3.0.6',
          orchestrationStatus: 'UPDATING',
        }),
      },
    });
    const failure = checkDeployment(ports, fakeContext());
    await expect(failure).rejects.toThrow(CheckFailedError);
    await expect(failure).rejects.toThrow(/Kafka 3\.9\.x.*kafka\.m7g\.large.*Airflow 3\.0\.6.*UPDATING/);
  });
});

describe('push and pull', () => {
  it('records the accepted users, and fails on anything but 202 with every user accepted', async () => {
    const context = fakeContext();
    expect((await checkPush(fakePorts(), context)).status).toBe('pass');
    expect(context.record.userIds).toHaveLength(3);
    const refused = fakePorts({
      api: { ...fakePorts().api, postUsers: async () => ({ status: 403, body: '{"message":"Forbidden"}' }) },
    });
    await expect(checkPush(refused, fakeContext())).rejects.toThrow(/403.*Forbidden/);
  });

  it("adds the pulled users to the run's, for the stores check and the cleanup", async () => {
    const pulled = ['5d0c1f6e-0000-4000-8000-000000000001', '5d0c1f6e-0000-4000-8000-000000000002'];
    const ports = fakePorts({
      lambda: {
        ...fakePorts().lambda,
        invoke: async <T>() =>
          ({ complete: true, produced: 2, producedUserIds: pulled, durationMs: 7, retries: 0 }) as T,
      },
    });
    const context = fakeContext({ record: { userIds: [...IDS] } });
    const result = await checkPull(ports, context);
    expect(result.detail).toBe(`2 users fetched and produced in 7 ms (0 retries): ${pulled.join(', ')}`);
    expect(context.record.userIds).toEqual([...IDS, ...pulled]);
  });

  it('fails a pull that produced fewer users than it asked for, with its error', async () => {
    const ports = fakePorts({
      lambda: {
        ...fakePorts().lambda,
        invoke: async <T>() =>
          ({
            complete: false,
            produced: 0,
            failed: 0,
            error: { name: 'KafkaUnavailableError', message: 'no brokers' },
          }) as T,
      },
    });
    await expect(checkPull(ports, fakeContext())).rejects.toThrow(
      /produced 0 of 2 \(KafkaUnavailableError: no brokers\)/,
    );
  });
});

describe('stores', () => {
  it('skips when nothing was pushed', async () => {
    expect((await checkStores(fakePorts(), fakeContext())).status).toBe('skip');
  });

  it('waits until every store holds every user', async () => {
    let reads = 0;
    const ports = fakePorts({
      lambda: {
        ...fakePorts().lambda,
        invoke: async <T>() => {
          reads += 1;
          return {
            stores: [
              { store: 'postgres', found: IDS },
              { store: 'cassandra', found: reads > 2 ? IDS : [] },
            ],
          } as T;
        },
      },
    });
    const result = await checkStores(ports, fakeContext({ record: { userIds: [...IDS] } }));
    expect(result.status).toBe('pass');
    expect(reads).toBe(3);
  });

  it('fails after the wait, naming what each store lacks or why it is unreadable', async () => {
    const ports = fakePorts({
      lambda: {
        ...fakePorts().lambda,
        invoke: async <T>() =>
          ({
            stores: [
              { store: 'postgres', found: [] },
              { store: 'cassandra', error: 'connect ECONNREFUSED' },
            ],
          }) as T,
      },
    });
    await expect(checkStores(ports, fakeContext({ record: { userIds: [...IDS] } }))).rejects.toThrow(
      /after 30 s: postgres 0\/2, cassandra: unreadable \(connect ECONNREFUSED\)/,
    );
  });

  it('fails a poison record that was dead-lettered for another reason', async () => {
    const ports = fakePorts({
      lambda: {
        ...fakePorts().lambda,
        invoke: async <T>(_fn: string, payload: unknown) =>
          ((payload as { action: string }).action === 'send-poison'
            ? { topic: 'users_created', partition: 1, offset: '9' }
            : { found: true, reason: 'schema_violation', firstSeenAt: '', attempts: 1 }) as T,
      },
    });
    await expect(checkPoison(ports, fakeContext())).rejects.toThrow(
      /users_created\/1@9 dead-lettered as schema_violation/,
    );
  });
});

describe('failure path', () => {
  it('passes when the mapping and both topics are as the stage config says', async () => {
    expect((await checkFailurePath(fakePorts(), fakeContext())).status).toBe('pass');
  });

  it('names every mapping setting that differs', () => {
    const mapping = {
      ...devMapping(),
      State: 'Disabled',
      MaximumRetryAttempts: -1,
      MetricsConfig: undefined,
    };
    const problems = mappingProblems(mapping, EXPECTED.mapping, {
      source: 'users_created',
      failure: 'users_created_failed',
    });
    expect(problems).toEqual([
      'the mapping is Disabled, not Enabled',
      'MaximumRetryAttempts -1 ≠ 10',
      'MetricsConfig [] ≠ ["ErrorCount","EventCount"]',
    ]);
  });

  it('reads the failure topic’s configs back: a topic whose Configs were ignored fails', () => {
    const ignored = { ...devTopic('failure'), configs: { 'retention.ms': '604800000' } };
    expect(topicProblems(ignored, EXPECTED.topics.failure)).toEqual([
      `users_created_failed: retention.ms "604800000" ≠ "${EXPECTED.topics.failure.retentionMs}"`,
      `users_created_failed: min.insync.replicas undefined ≠ "${EXPECTED.topics.failure.minInsyncReplicas}"`,
    ]);
    expect(topicProblems(undefined, EXPECTED.topics.failure)).toEqual([
      'topic users_created_failed does not exist',
    ]);
  });
});

describe('MWAA', () => {
  it('runs data_quality over the run’s window with the dead-letter threshold lifted', async () => {
    const context = fakeContext();
    expect(dataQualityConf(context)).toEqual({
      window_start: new Date(context.startedAt.getTime() - 600_000).toISOString(),
      window_end: new Date(context.now() + 60_000).toISOString(),
      max_dead_letter_rate: 1,
      min_rows: 1,
    });
    const failed = fakePorts({
      dags: { runDag: async (_d, runId) => ({ runId, state: 'failed', tasks: { enforce: 'failed' } }) },
    });
    await expect(checkOrchestration(failed, context)).rejects.toThrow(
      /data_quality: run verify-0a1b2c3d ended failed \(enforce failed\)/,
    );
  });
});

describe('observability', () => {
  it('fails on a missing alarm or one in ALARM', async () => {
    const ports = fakePorts({
      alarms: {
        definedAlarms: async () => ['a-1', 'a-2', 'a-3'],
        states: async () =>
          new Map([
            ['a-1', 'OK'],
            ['a-2', 'ALARM'],
          ] as const),
      },
    });
    await expect(checkObservability(ports, fakeContext())).rejects.toThrow(
      'missing alarms: a-3; in ALARM: a-2',
    );
  });

  it('compares the dimensions CloudWatch lists the mapping’s metrics under with the definition’s', async () => {
    const withDimensions = (sets: string[][]) =>
      fakePorts({ alarms: { ...fakePorts().alarms, mappingMetricDimensions: async () => sets } });
    expect((await checkObservability(withDimensions([]), fakeContext())).status).toBe('left');
    expect(
      (await checkObservability(withDimensions([['FunctionName', 'EventSourceMappingUUID']]), fakeContext()))
        .status,
    ).toBe('pass');
    await expect(
      checkObservability(withDimensions([['EventSourceMappingUUID']]), fakeContext()),
    ).rejects.toThrow(
      /lists the mapping's metrics under EventSourceMappingUUID, the definition reads EventSourceMappingUUID\+FunctionName/,
    );
  });
});

describe('cleanup', () => {
  /** Ports whose DELETE answers `status` for the ids in `refused`, and whose stores hold `held()` of the users. */
  const erasing = (options: { refused?: string[]; held: () => string[]; deleted: string[] }) => {
    const base = fakePorts();
    return fakePorts({
      api: {
        ...base.api,
        deleteUser: async (id) => {
          options.deleted.push(id);
          return options.refused?.includes(id)
            ? { status: 403, body: '{"message":"Forbidden"}' }
            : { status: 202, body: '{"accepted":1}' };
        },
      },
      lambda: {
        ...base.lambda,
        invoke: async <T>() =>
          ({
            stores: [
              { store: 'postgres', found: options.held() },
              { store: 'cassandra', found: options.held() },
            ],
          }) as T,
      },
    });
  };

  it('deletes every user through DELETE /v1/users/{id} and passes once no store holds them', async () => {
    const context = fakeContext({ record: { userIds: [...IDS] } });
    const deleted: string[] = [];
    let reads = 0;
    const ports = erasing({ deleted, held: () => (++reads > 2 ? [] : [...IDS]) });
    const result = await checkCleanup(ports, context);
    expect(deleted).toEqual(IDS);
    expect(result.status).toBe('pass');
    expect(result.detail).toMatch(
      /^2 users erased from every store \(postgres 0\/2, cassandra 0\/2\) after 5 s/,
    );
  });

  it('fails naming each id the route refused, with its status', async () => {
    const context = fakeContext({ record: { userIds: [...IDS] } });
    const ports = erasing({ deleted: [], refused: [IDS[1] as string], held: () => [] });
    await expect(checkCleanup(ports, context)).rejects.toThrow(
      `refused ${IDS[1]} (403 {"message":"Forbidden"})`,
    );
  });

  it('fails when a store still holds a user after the wait', async () => {
    const context = fakeContext({ record: { userIds: [...IDS] } });
    const ports = erasing({ deleted: [], held: () => [IDS[0] as string] });
    await expect(checkCleanup(ports, context)).rejects.toThrow(
      /after 30 s still stored: postgres 1\/2, cassandra 1\/2/,
    );
  });
});
