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

/** Credentials as the signer takes them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const defaultCredentials = defaultProvider();

/**
 * The SigV4 headers of `request` (host, x-amz-date, authorization, and the session token when there is one).
 * No x-amz-content-sha256: neither execute-api nor airflow asks for it.
 */
export async function signRequest(
  request: SignedRequest,
  options: { readonly credentials?: SigningCredentials; readonly signingDate?: Date } = {},
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const signer = new SignatureV4({
    service: request.service,
    region: request.region,
    credentials: options.credentials ?? defaultCredentials,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}

/** Sends `request` signed with SigV4 for its service and region (default credential chain). */
export async function signedFetch(request: SignedRequest): Promise<SignedAnswer> {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const response = await fetch(request.url, {
    method: request.method,
    headers: await signRequest(request),
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}
