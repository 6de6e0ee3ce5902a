import type { MigrationClient } from './migrate.js';

/** The processor's role (migration 0006): writes users and dead letters, nothing else. */
export const WRITER_ROLE = 'pipeline_writer';
/** The DAGs' role (migration 0006): reads the pipeline tables, writes its own run tables. */
export const READER_ROLE = 'pipeline_reader';
/** Every application role migration 0006 creates. */
export const APPLICATION_ROLES = [WRITER_ROLE, READER_ROLE] as const;
export type ApplicationRole = (typeof APPLICATION_ROLES)[number];

/** A role's login: who, and the password its secret (AWS) or the local settings hold. */
export interface RoleLogin {
  readonly role: ApplicationRole;
  readonly password: string;
}

export class UnknownApplicationRoleError extends Error {
  constructor(role: string) {
    super(`${role} is not an application role (expected one of ${APPLICATION_ROLES.join(', ')})`);
    this.name = 'UnknownApplicationRoleError';
  }
}

/**
 * Gives the application roles LOGIN with their passwords, after the migrations created them. Runs on every
 * deploy (and every local start), so the database follows the secrets: a password never lives in a
 * migration. `format(%I, %L)` quotes on the server, since ALTER ROLE takes no bind parameters.
 */
export async function enableRoleLogins(client: MigrationClient, logins: readonly RoleLogin[]): Promise<void> {
  for (const { role, password } of logins) {
    if (!(APPLICATION_ROLES as readonly string[]).includes(role)) throw new UnknownApplicationRoleError(role);
    const { rows } = await client.query(
      "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text) AS sql",
      [role, password],
    );
    await client.query(String((rows[0] as { sql: unknown }).sql));
  }
}
