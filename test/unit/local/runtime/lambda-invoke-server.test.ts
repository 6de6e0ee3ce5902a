import {
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LambdaInvokeServer,
  startLambdaInvokeServer,
} from '../../../../local/runtime/lambda-invoke-server.js';

// The AWS SDK's own Lambda client talks to the local endpoint: what Airflow's operator does through boto3.
let server: LambdaInvokeServer;
let lambda: LambdaClient;

beforeAll(async () => {
  server = await startLambdaInvokeServer({
    port: 0,
    functions: {
      echo: async (event: never, context) => ({ received: event, name: context.functionName }),
      broken: async () => {
        throw new TypeError('count must be a number');
      },
    },
    eventSourceMappings: () => [
      {
        UUID: 'local-msk-bridge',
        FunctionArn: 'arn:aws:lambda:local:000000000000:function:processor',
        Topics: ['users_created'],
        BatchSize: 100,
        MaximumRetryAttempts: 10,
        DestinationConfig: { OnFailure: { Destination: 'kafka://users_created_failed' } },
        State: 'Enabled',
      },
    ],
  });
  lambda = new LambdaClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  lambda.destroy();
  await server.close();
});

const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString('utf8'));

describe('local Lambda Invoke endpoint', () => {
  it('invokes the named handler with the JSON payload and returns its result', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ count: 5 })) }),
    );
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(decode(response.Payload)).toEqual({ received: { count: 5 }, name: 'echo' });
    expect(server.invocations.echo).toBe(1);
  });

  it('accepts a function ARN as the name', async () => {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
        Payload: Buffer.from('{}'),
      }),
    );
    expect(decode(response.Payload).name).toBe('echo');
  });

  it('reports a handler error as Lambda does: FunctionError Unhandled with errorType and errorMessage', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'broken', Payload: Buffer.from('{}') }),
    );
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload)).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'count must be a number',
    });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('rejects a body that is not JSON with a 400', async () => {
    const response = await fetch(`${server.url}/2015-03-31/functions/echo/invocations`, {
      method: 'POST',
      body: '{',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });
});

describe('local event source mappings (GetEventSourceMapping, ListEventSourceMappings)', () => {
  it('describes the mapping as Lambda does, by UUID and by function', async () => {
    const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: 'local-msk-bridge' }));
    expect(mapping).toMatchObject({
      UUID: 'local-msk-bridge',
      State: 'Enabled',
      Topics: ['users_created'],
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: 'kafka://users_created_failed' } },
    });
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'processor' }));
    expect(listed.EventSourceMappings?.map((m) => m.UUID)).toEqual(['local-msk-bridge']);
    const other = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'echo' }));
    expect(other.EventSourceMappings).toEqual([]);
  });

  it('answers an unknown UUID with ResourceNotFoundException', async () => {
    await expect(lambda.send(new GetEventSourceMappingCommand({ UUID: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});
