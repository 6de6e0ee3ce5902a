/**
 * The two AWS SDK v2 classes `aws-sigv4-auth-cassandra-plugin` uses, backed by the SDK v3 credential chain
 * that the Lambda Node.js runtime ships. Bundles alias `aws-sdk` to this module, so the processor does not
 * carry the whole v2 SDK (several MB, not in the runtime) just to read its own role's credentials.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';

export interface CredentialsV2 {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export class Credentials implements CredentialsV2 {
  constructor(
    readonly accessKeyId: string,
    readonly secretAccessKey: string,
    readonly sessionToken?: string,
  ) {}
}

type Provider = () => Promise<CredentialsV2>;

/** `new CredentialProviderChain([creds])` uses fixed credentials; no argument means the default chain. */
export class CredentialProviderChain {
  private readonly provider: Provider;

  constructor(providers?: readonly CredentialsV2[]) {
    const fixed = providers?.[0];
    // The v3 default chain caches and refreshes expiring role credentials itself.
    this.provider = fixed ? async () => fixed : (defaultProvider() as Provider);
  }

  resolvePromise(): Promise<CredentialsV2> {
    return this.provider();
  }
}

export default { Credentials, CredentialProviderChain };
