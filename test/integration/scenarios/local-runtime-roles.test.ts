import { randomUUID } from 'node:crypto';
import type { Context, MSKEvent } from 'aws-lambda';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enableRoleLogins,
  runMigrations,
  WRITER_ROLE,
} from '../../../lambdas/shared/schema/postgres/index.js';
import { functionEnvironment, migrationsFunctionEnvironment } from '../../../local/services/config.js';
import { adminPostgresPool, services } from '../../support/local-services.js';
import { mskEventOf } from '../../support/msk-fixtures.js';
import { messageOf, userEvent, userPayload } from '../../support/user-events.js';

// The local runtime logs the pipeline's code in as CDK does in AWS. This process got the local runtime's
// function environment (test/support/integration-env.ts calls applyConnectionEnvironment, as `npm start`
// does before it imports the handlers), so the real processor handler below connects exactly as under
// `npm start`: as pipeline_writer, never as the administrator. The DAGs' side (pipeline_reader through the
// Airflow connection pipeline_postgres) is proven by mwaa-dags/tests/integration/test_dag_database_role.py.

const context = { awsRequestId: randomUUID(), functionName: 'processor' } as unknown as Context;

describe('the local runtime connects as the roles', () => {
  const admin = adminPostgresPool();
  let processor: (event: MSKEvent, context: Context) => Promise<unknown>;
  let processorPool: pg.Pool;
  let closeProcessorClients: () => Promise<void> = async () => {};
  const written: string[] = [];

  beforeAll(async () => {
    // The local migrations step, as `npm start` runs it: migrations and the roles' logins, as the administrator.
    const migrations = await admin.connect();
    try {
      await runMigrations(migrations);
      await enableRoleLogins(migrations, services.postgres.roleLogins);
    } finally {
      migrations.release();
    }
    const [handlerModule, clients] = await Promise.all([
      import('../../../lambdas/processor/handler.js'),
      import('../../../lambdas/processor/clients.js'),
    ]);
    processor = handlerModule.handler;
    processorPool = (await clients.processorSinks.client('postgres')) as pg.Pool;
    closeProcessorClients = clients.closeProcessorClients;
  });

  afterAll(async () => {
    await closeProcessorClients();
    if (written.length > 0) await admin.query('DELETE FROM users WHERE user_id = ANY($1::uuid[])', [written]);
    await admin.end();
  });

  it('gives the processor the PG* variables CDK gives the processor Lambda, with the writer role as PGUSER', () => {
    const local = functionEnvironment(services);
    expect(local.PGUSER).toBe(WRITER_ROLE);
    // This process runs with exactly that environment, whatever PGUSER the calling shell exported.
    for (const name of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD'])
      expect(process.env[name], name).toBe(local[name]);
    // The migrations step is the only local PostgreSQL user of the administrator, as the master user in AWS.
    expect(migrationsFunctionEnvironment(services).PGUSER).toBe(services.postgres.admin.user);
    expect(services.postgres.admin.user).not.toBe(WRITER_ROLE);
  });

  it('runs the processor handler as pipeline_writer: its session is the role, and the role cannot delete', async () => {
    const event = userEvent(userPayload(7), new Date().toISOString());
    const message = messageOf(event);
    const headers = Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    const userId = event.payload.id;
    written.push(userId);
    await processor(
      mskEventOf([{ topic: 'users_created', offset: 1, key: userId, value: message.value, headers }]),
      context,
    );
    const stored = await admin.query('SELECT email FROM users WHERE user_id = $1', [userId]);
    expect(stored.rows).toEqual([{ email: event.payload.email }]);

    // The handler's own pool (the connection it just wrote with): who is it, as the server sees it?
    const session = await processorPool.query<{ pid: number; current_user: string; session_user: string }>(
      'SELECT pg_backend_pid() AS pid, current_user, session_user',
    );
    const { pid, current_user, session_user } = session.rows[0] ?? {
      pid: -1,
      current_user: '',
      session_user: '',
    };
    expect({ current_user, session_user }).toEqual({ current_user: WRITER_ROLE, session_user: WRITER_ROLE });
    const activity = await admin.query<{ usename: string }>(
      'SELECT usename FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    expect(activity.rows).toEqual([{ usename: WRITER_ROLE }]);
    // What the administrator could do, the processor's login cannot.
    await expect(processorPool.query('DELETE FROM users WHERE user_id = $1', [userId])).rejects.toThrow(
      /permission denied for table users/,
    );
  });
});
