import { describe, expect, it } from 'vitest';
import { cassandraSink } from '../../../../lambdas/processor/sinks/cassandra/index.js';
import { READER_ROLE, WRITER_ROLE } from '../../../../lambdas/shared/schema/postgres/roles.js';
import {
  adminConnection,
  applyConnectionEnvironment,
  connectionEnvironment,
  functionEnvironment,
  LOCAL_CASSANDRA_WRITE_CONCURRENCY,
  migrationsFunctionEnvironment,
  readLocalServicesSettings,
  roleConnection,
} from '../../../../local/services/config.js';

// Which login each local part uses, as in AWS: the processor's PG* variables name its role, the migrations
// step the administrator, the DAGs' connection the reader role.

describe('local PostgreSQL logins', () => {
  const settings = readLocalServicesSettings({
    PG_ADMIN_USER: 'boss',
    PG_ADMIN_PASSWORD: 'boss-pw',
    PIPELINE_WRITER_PASSWORD: 'w-pw',
    PIPELINE_READER_PASSWORD: 'r-pw',
  });

  it('gives the processor the in-flight write count measured for the local Cassandra, which it reads', () => {
    const environment = functionEnvironment(settings);
    expect(environment.CASSANDRA_WRITE_CONCURRENCY).toBe(String(LOCAL_CASSANDRA_WRITE_CONCURRENCY));
    expect(cassandraSink.readSettings(environment).writeConcurrency).toBe(LOCAL_CASSANDRA_WRITE_CONCURRENCY);
  });

  it('gives the functions the writer role, the migrations the administrator', () => {
    expect(functionEnvironment(settings)).toMatchObject({ PGUSER: WRITER_ROLE, PGPASSWORD: 'w-pw' });
    expect(migrationsFunctionEnvironment(settings)).toMatchObject({ PGUSER: 'boss', PGPASSWORD: 'boss-pw' });
    expect(adminConnection(settings)).toMatchObject({ user: 'boss', password: 'boss-pw' });
    expect(roleConnection(settings, READER_ROLE)).toMatchObject({ user: READER_ROLE, password: 'r-pw' });
    expect(connectionEnvironment(settings)).toMatchObject({
      PGUSER: WRITER_ROLE,
      PG_ADMIN_USER: 'boss',
      PIPELINE_READER_USER: READER_ROLE,
      PIPELINE_READER_PASSWORD: 'r-pw',
    });
  });

  it('ignores PGUSER/PGPASSWORD as input: they are outputs naming the running code’s role', () => {
    const fromShell = readLocalServicesSettings({ PGUSER: 'postgres', PGPASSWORD: 'secret' });
    expect(fromShell.postgres.admin).toEqual({ user: 'postgres', password: 'postgres' });
    expect(functionEnvironment(fromShell).PGUSER).toBe(WRITER_ROLE);
  });

  it('overrides a shell’s administrator PGUSER but keeps the caller’s other settings', () => {
    const env: NodeJS.ProcessEnv = { PGUSER: 'postgres', PGPASSWORD: 'postgres', KAFKA_BROKERS: 'a:1,b:2' };
    applyConnectionEnvironment(settings, env);
    expect(env).toMatchObject({ PGUSER: WRITER_ROLE, PGPASSWORD: 'w-pw', KAFKA_BROKERS: 'a:1,b:2' });
  });
});
