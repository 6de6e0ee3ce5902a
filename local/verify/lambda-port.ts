import { GetEventSourceMappingCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { FunctionInvocationError, type LambdaPort } from './ports.js';

/**
 * Lambda's Invoke and GetEventSourceMapping through the SDK client: in AWS the regional endpoint, locally the
 * `npm start` Lambda endpoint, which serves the same two operations (local/runtime/lambda-invoke-server.ts).
 */
export class SdkLambdaPort implements LambdaPort {
  constructor(
    private readonly client: LambdaClient,
    private readonly mappingUuid: string,
  ) {}

  async invoke<Result>(functionName: string, payload: unknown): Promise<Result> {
    const output = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
    const body = text === '' ? null : (JSON.parse(text) as unknown);
    if (output.FunctionError) {
      const error = (body ?? {}) as { errorType?: string; errorMessage?: string };
      throw new FunctionInvocationError(
        functionName,
        error.errorType ?? output.FunctionError,
        error.errorMessage ?? text,
      );
    }
    return body as Result;
  }

  async eventSourceMapping() {
    return this.client.send(new GetEventSourceMappingCommand({ UUID: this.mappingUuid }));
  }
}
