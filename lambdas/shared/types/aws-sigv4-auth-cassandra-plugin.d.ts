// The plugin ships no type declarations; this covers the part the project uses.
declare module 'aws-sigv4-auth-cassandra-plugin' {
  import type { auth } from 'cassandra-driver';

  export interface SigV4AuthProviderOptions {
    region?: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    sessionToken?: string;
  }

  export class SigV4AuthProvider implements auth.AuthProvider {
    constructor(options?: SigV4AuthProviderOptions);
    newAuthenticator(endpoint: string, name: string): auth.Authenticator;
  }
}
