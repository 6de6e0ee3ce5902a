/**
 * SigV4-signed HTTPS requests for the two AWS APIs verify calls without an SDK client: the ingestion API of a
 * stage with `api.auth: iam` (service execute-api), and MWAA's REST operations (service airflow), which
 * @aws-sdk/client-mwaa offers only from 3.67x on (InvokeRestApi, October 2024), a version the project's
 * registry does not serve (its newest is 3.523.0). Credentials come from the default provider chain.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (or HMAC-SHA-256 with a secret) over node:crypto, in the shape the signer expects. */
class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }
}

export interface SignedRequest {
  readonly service: string;
  readonly region: string;
  readonly method: string;
  readonly url: string;
  /** JSON body. */
  readonly body?: unknown;
}

export interface SignedAnswer {
  readonly status: number;
  readonly text: string;
}

const credentials = defaultProvider();

/** Sends `request` signed with SigV4 for its service and region. */
export async function signedFetch(request: SignedRequest): Promise<SignedAnswer> {
  const url = new URL(request.url);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const signer = new SignatureV4({
    service: request.service,
    region: request.region,
    credentials,
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });
  const response = await fetch(url, {
    method: request.method,
    headers: signed.headers as Record<string, string>,
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}
