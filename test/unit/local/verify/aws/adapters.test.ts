import { describe, expect, it } from 'vitest';
import {
  AirflowApiError,
  AirflowRestDagRunner,
  type RestAnswer,
  type RestCall,
} from '../../../../../local/verify/airflow-rest.js';
import { signRequest } from '../../../../../local/verify/aws/sigv4.js';
import { decodeTopicConfigs } from '../../../../../local/verify/topic-configs.js';

describe('decodeTopicConfigs (MSK DescribeTopic Configs)', () => {
  it('reads the JSON object the project writes', () => {
    const base64 = Buffer.from('{"min.insync.replicas":"2","retention.ms":"604800000"}').toString('base64');
    expect(decodeTopicConfigs(base64)).toEqual({ 'min.insync.replicas': '2', 'retention.ms': '604800000' });
  });

  it('reads the properties text of the AWS DescribeTopic example', () => {
    // The MSK Developer Guide's describe-topic example, decoded: compression.type=producer / retention.ms=604800000
    expect(decodeTopicConfigs('Y29tcHJlc3Npb24udHlwZT1wcm9kdWNlcgpyZXRlbnRpb24ubXM9NjA0ODAwMDAw')).toEqual({
      'compression.type': 'producer',
      'retention.ms': '604800000',
    });
    expect(decodeTopicConfigs(undefined)).toEqual({});
  });
});

/** A transport answering scripted Airflow REST calls in order, recording them. */
function scripted(answers: RestAnswer[]) {
  const calls: RestCall[] = [];
  const transport = async (call: RestCall): Promise<RestAnswer> => {
    calls.push(call);
    const answer = answers.shift();
    if (!answer) throw new Error(`unscripted call ${call.method} ${call.path}`);
    return answer;
  };
  return { calls, transport };
}

function clock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('AirflowRestDagRunner (the MWAA InvokeRestApi path)', () => {
  it('triggers a run with the conf, polls it to success and reads its task states', async () => {
    const { calls, transport } = scripted([
      { status: 200, body: { dag_id: 'data_quality', is_paused: false } },
      { status: 200, body: { dag_run_id: 'verify-1', state: 'queued' } },
      { status: 200, body: { state: 'running' } },
      { status: 200, body: { state: 'success' } },
      { status: 200, body: { task_instances: [{ task_id: 'measure', state: 'success' }] } },
    ]);
    const runner = new AirflowRestDagRunner(transport, clock(), 1_000);
    const outcome = await runner.runDag('data_quality', 'verify-1', { min_rows: 1 }, 60_000, () => {});
    expect(outcome).toEqual({ runId: 'verify-1', state: 'success', tasks: { measure: 'success' } });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /dags/data_quality',
      'POST /dags/data_quality/dagRuns',
      'GET /dags/data_quality/dagRuns/verify-1',
      'GET /dags/data_quality/dagRuns/verify-1',
      'GET /dags/data_quality/dagRuns/verify-1/taskInstances',
    ]);
    expect(calls[1]?.body).toEqual({ dag_run_id: 'verify-1', logical_date: null, conf: { min_rows: 1 } });
    for (const call of calls) expect(call.path.length).toBeLessThanOrEqual(64); // MWAA's RestApiPath limit
  });

  it('does not trigger a paused DAG, and gives up after the timeout', async () => {
    const paused = scripted([{ status: 200, body: { is_paused: true } }]);
    const outcome = await new AirflowRestDagRunner(paused.transport, clock()).runDag(
      'data_quality',
      'r',
      {},
      60_000,
      () => {},
    );
    expect(outcome.problem).toMatch(/paused/);
    expect(paused.calls).toHaveLength(1);
    const stuck = scripted([
      { status: 200, body: { is_paused: false } },
      { status: 200, body: {} },
      ...Array.from({ length: 6 }, () => ({ status: 200, body: { state: 'queued' } })),
      { status: 200, body: { task_instances: [] } },
    ]);
    const late = await new AirflowRestDagRunner(stuck.transport, clock(), 10_000).runDag(
      'd',
      'r',
      {},
      60_000,
      () => {},
    );
    expect(late).toMatchObject({ state: 'queued', problem: 'still queued after 60 s' });
  });

  it('reports an Airflow API error with its status and body', async () => {
    const { transport } = scripted([{ status: 403, body: { detail: 'Forbidden' } }]);
    const run = new AirflowRestDagRunner(transport, clock()).runDag('data_quality', 'r', {}, 1_000, () => {});
    await expect(run).rejects.toThrow(AirflowApiError);
  });
});

describe('SigV4 signing (the ingestion API with iam auth, MWAA)', () => {
  it('reproduces the AWS Signature Version 4 test suite’s get-vanilla signature', async () => {
    const headers = await signRequest(
      { service: 'service', region: 'us-east-1', method: 'GET', url: 'https://example.amazonaws.com/' },
      {
        credentials: {
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        },
        signingDate: new Date('2015-08-30T12:36:00Z'),
      },
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
});
