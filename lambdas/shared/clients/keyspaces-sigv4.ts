/**
 * Amazon Keyspaces SigV4 authentication for cassandra-driver, on node:crypto and the AWS SDK v3 credential
 * provider chain that the Lambda Node.js runtime ships.
 *
 * Keyspaces answers the driver's `SigV4\0\0` initial response with a challenge `nonce=<32 chars>`; the client
 * replies with `signature=…,access_key=…,amzdate=…[,session_token=…]`, a SigV4 signature of a fixed
 * canonical `PUT /authenticate` request whose payload hash is SHA-256(nonce)
 * (https://docs.aws.amazon.com/keyspaces/latest/devguide/programmatic.credentials.SigV4_KEYSPACES.html).
 * Credentials are read for every connection and refreshed before they expire, so a long-lived container
 * keeps connecting after its role's session credentials rotate.
 */
import { createHash, createHmac } from 'node:crypto';
import { auth } from 'cassandra-driver';

const SERVICE = 'cassandra';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const INITIAL_RESPONSE = Buffer.from('SigV4\0\0', 'utf8');
const NONCE_KEY = 'nonce=';
/** Keyspaces' nonces are 32 characters; the reference clients read exactly that many. */
const NONCE_LENGTH = 32;
/** Refresh credentials this long before they expire, as the AWS SDKs do. */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

/** The fields of an AWS SDK v3 `AwsCredentialIdentity` that signing uses. */
export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** An AWS SDK v3 credential provider, e.g. `defaultProvider()` from @aws-sdk/credential-provider-node. */
export type CredentialSource = () => Promise<SigV4Credentials>;

export class KeyspacesAuthError extends Error {
  override readonly name = 'KeyspacesAuthError';
}

export interface SignChallengeInput {
  readonly nonce: string;
  readonly region: string;
  readonly credentials: SigV4Credentials;
  readonly date: Date;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** `2020-06-09T22:41:51.000Z`: ISO 8601 with milliseconds, as both reference clients send it. */
const amzDate = (date: Date): string => date.toISOString();
const dateStamp = (date: Date): string => amzDate(date).slice(0, 10).replaceAll('-', '');

/** The nonce of a Keyspaces challenge (`nonce=<32 chars>[,…]`). */
export function extractNonce(challenge: Buffer): string {
  const text = challenge.toString('utf8');
  const start = text.indexOf(NONCE_KEY);
  const nonce =
    start < 0 ? '' : text.slice(start + NONCE_KEY.length, start + NONCE_KEY.length + NONCE_LENGTH);
  if (nonce.length !== NONCE_LENGTH) {
    throw new KeyspacesAuthError(`the SigV4 challenge carries no ${NONCE_LENGTH}-character nonce: "${text}"`);
  }
  return nonce;
}

/** The canonical request Keyspaces verifies: fixed method, path and host; query sorted; nonce as payload. */
function canonicalRequest(accessKeyId: string, scope: string, date: Date, nonce: string): string {
  const query = [
    `X-Amz-Algorithm=${ALGORITHM}`,
    `X-Amz-Credential=${accessKeyId}%2F${encodeURIComponent(scope)}`,
    `X-Amz-Date=${encodeURIComponent(amzDate(date))}`,
    'X-Amz-Expires=900',
  ]
    .sort()
    .join('&');
  return `PUT\n/authenticate\n${query}\nhost:${SERVICE}\n\nhost\n${sha256Hex(nonce)}`;
}

/** The response to a challenge: `signature=<hex>,access_key=<id>,amzdate=<iso>[,session_token=<token>]`. */
export function signChallenge({ nonce, region, credentials, date }: SignChallengeInput): string {
  const day = dateStamp(date);
  const scope = `${day}/${region}/${SERVICE}/aws4_request`;
  const request = canonicalRequest(credentials.accessKeyId, scope, date, nonce);
  const stringToSign = `${ALGORITHM}\n${amzDate(date)}\n${scope}\n${sha256Hex(request)}`;
  const dayKey = hmac(`AWS4${credentials.secretAccessKey}`, day);
  const signingKey = hmac(hmac(hmac(dayKey, region), SERVICE), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  const token = credentials.sessionToken ? `,session_token=${credentials.sessionToken}` : '';
  return `signature=${signature},access_key=${credentials.accessKeyId},amzdate=${amzDate(date)}${token}`;
}

/**
 * Credentials from a source, cached until they come within {@link CREDENTIALS_REFRESH_MARGIN_MS} of their
 * expiration (credentials without one are kept). Concurrent connections share one refresh.
 */
export class RefreshingCredentials {
  private current: SigV4Credentials | undefined;
  private pending: Promise<SigV4Credentials> | undefined;

  constructor(
    private readonly source: CredentialSource,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<SigV4Credentials> {
    if (this.current && !this.expiresSoon(this.current)) return Promise.resolve(this.current);
    this.pending ??= this.source()
      .then((credentials) => {
        this.current = credentials;
        return credentials;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private expiresSoon(credentials: SigV4Credentials): boolean {
    const expiration = credentials.expiration?.getTime();
    return expiration !== undefined && expiration - this.now() < CREDENTIALS_REFRESH_MARGIN_MS;
  }
}

type Callback = (error: Error | null, response?: Buffer) => void;

/** One connection's SigV4 handshake. */
export class KeyspacesSigV4Authenticator implements auth.Authenticator {
  constructor(
    private readonly region: string,
    private readonly credentials: RefreshingCredentials,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  initialResponse(callback: Callback): void {
    callback(null, INITIAL_RESPONSE);
  }

  evaluateChallenge(challenge: Buffer, callback: Callback): void {
    let nonce: string;
    try {
      nonce = extractNonce(challenge);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.credentials.get().then(
      (credentials) => {
        const response = signChallenge({ nonce, region: this.region, credentials, date: this.clock() });
        callback(null, Buffer.from(response, 'utf8'));
      },
      (error: unknown) =>
        callback(new KeyspacesAuthError(`no AWS credentials for Keyspaces: ${(error as Error).message}`)),
    );
  }

  onAuthenticationSuccess(): void {}
}

// cassandra-driver checks `authProvider instanceof auth.AuthProvider`; its typings declare only an interface.
const AuthProviderBase = (auth as unknown as { AuthProvider: new () => auth.AuthProvider }).AuthProvider;

/** The driver's `authProvider` for Amazon Keyspaces: one credential cache shared by every connection. */
export class KeyspacesSigV4AuthProvider extends AuthProviderBase {
  private readonly credentials: RefreshingCredentials;

  constructor(
    private readonly region: string,
    source: CredentialSource,
  ) {
    super();
    if (!region) throw new KeyspacesAuthError('SigV4 for Keyspaces needs a region (AWS_REGION)');
    this.credentials = new RefreshingCredentials(source);
  }

  override newAuthenticator(): auth.Authenticator {
    return new KeyspacesSigV4Authenticator(this.region, this.credentials);
  }
}
