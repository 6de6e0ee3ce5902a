// Tests lambdas/shared/schema/postgres/migration-set.ts; also render-migrations-module.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USER_FIELDS } from '../../../../../../lambdas/shared/contract/index.js';
import {
  assertValidMigrationSet,
  InvalidMigrationSetError,
  MIGRATIONS,
  type Migration,
  migrationChecksum,
} from '../../../../../../lambdas/shared/schema/postgres/index.js';
import {
  MIGRATION_FILE_PATTERN,
  parseMigrationFileName,
} from '../../../../../../lambdas/shared/schema/postgres/migration-set.js';
import {
  MIGRATIONS_MODULE_FILE,
  renderMigrationsModule,
} from '../../../../../../lambdas/shared/schema/postgres/render-migrations-module.js';

const postgresDir = new URL('../../../../../../lambdas/shared/schema/postgres/', import.meta.url);
const migrationsDir = new URL('migrations/', postgresDir);

function readMigrationFiles() {
  return readdirSync(migrationsDir)
    .sort()
    .map((fileName) => ({ fileName, sql: readFileSync(new URL(fileName, migrationsDir), 'utf8') }));
}

/** Column name -> declared type of a `CREATE TABLE <table> (...)` statement in the migrations. */
function createTableColumns(sql: string, table: string): Map<string, string> {
  const match = new RegExp(`CREATE TABLE ${table} \\(\\n([\\s\\S]*?)\\n\\);`).exec(sql);
  if (!match?.[1]) throw new Error(`no CREATE TABLE ${table}`);
  const columns = new Map<string, string>();
  for (const line of match[1].split('\n')) {
    const column = /^ {2}([a-z_]+)\s+([a-z]+(?: [a-z]+)?)\b/.exec(line);
    if (column?.[1] && column[2] && column[1] !== 'constraint') columns.set(column[1], column[2]);
  }
  return columns;
}

describe('migration files', () => {
  const files = readMigrationFiles();

  it('are all named NNNN_snake_case.sql', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const { fileName } of files) expect(fileName).toMatch(MIGRATION_FILE_PATTERN);
  });

  it('have unique versions numbered 1, 2, 3, ... without gaps', () => {
    const versions = files.map(({ fileName }) => parseMigrationFileName(fileName)?.version);
    expect(versions).toEqual(versions.map((_, index) => index + 1));
  });

  it('are embedded, unchanged and in order, in the generated module (regenerate if this fails)', () => {
    expect(readFileSync(new URL(MIGRATIONS_MODULE_FILE, postgresDir), 'utf8')).toBe(
      renderMigrationsModule(files),
    );
    expect(MIGRATIONS.map(({ version, name, sql }) => ({ version, name, sql }))).toEqual(
      files.map(({ fileName, sql }) => ({ ...parseMigrationFileName(fileName), sql })),
    );
    expect(() => assertValidMigrationSet(MIGRATIONS)).not.toThrow();
  });

  it('embed SQL with backticks, backslashes and dollar-brace sequences intact', async () => {
    const dollarBrace = ['$', '{not_interpolated}'].join('');
    const sql = `SELECT '\`x\`', E'\\\\n', '${dollarBrace}', $$body$$;\n`;
    const source = renderMigrationsModule([{ fileName: '0001_tricky.sql', sql }]);
    const moduleUrl = `data:text/javascript;base64,${Buffer.from(source.replace(/^import type.*$/m, '').replace(': readonly Migration[]', '')).toString('base64')}`;
    const loaded = (await import(moduleUrl)) as { MIGRATIONS: Migration[] };
    expect(loaded.MIGRATIONS).toEqual([{ version: 1, name: 'tricky', sql }]);
  });

  it('create users with user_id plus every schema v1 payload field as a column, and the lineage columns', () => {
    const users = createTableColumns(MIGRATIONS.map((migration) => migration.sql).join('\n'), 'users');
    const payloadFields = USER_FIELDS.filter((field) => field.since === 1 && field.name !== 'id').map(
      (field) => field.name,
    );
    expect([...users.keys()]).toEqual([
      'user_id',
      ...payloadFields,
      'event_id',
      'schema_version',
      'source',
      'occurred_at',
      'ingested_at',
      'kafka_topic',
      'kafka_partition',
      'kafka_offset',
      'created_at',
      'updated_at',
    ]);
    expect(users.get('user_id')).toBe('uuid');
    expect(users.get('post_code')).toBe('text');
    expect(users.get('dob')).toBe('timestamptz');
    expect(users.get('registered_date')).toBe('timestamptz');
    expect(users.get('kafka_offset')).toBe('bigint');
  });

  it('create dead_letters with a unique fingerprint and byte-exact raw columns', () => {
    const sql = MIGRATIONS.map((migration) => migration.sql).join('\n');
    const deadLetters = createTableColumns(sql, 'dead_letters');
    expect(deadLetters.get('fingerprint')).toBe('text');
    expect(deadLetters.get('raw_key')).toBe('bytea');
    expect(deadLetters.get('raw_value')).toBe('bytea');
    expect(deadLetters.get('headers')).toBe('jsonb');
    expect(deadLetters.get('reason')).toBe('text');
    for (const column of [
      'first_seen_at',
      'last_seen_at',
      'attempt_count',
      'replayed_at',
      'replay_event_id',
    ]) {
      expect(deadLetters.has(column)).toBe(true);
    }
    expect(sql).toMatch(/fingerprint\s+text\s+NOT NULL UNIQUE/);
    expect(sql).toMatch(/CREATE INDEX users_ingested_at_idx ON users \(ingested_at\)/);
    expect(sql).toMatch(/CREATE INDEX dead_letters_reason_idx ON dead_letters \(reason\)/);
  });
});

describe('migrationChecksum', () => {
  it('is the sha256 hex of the SQL text and stable across releases', () => {
    expect(migrationChecksum('SELECT 1;\n')).toBe(
      'b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd',
    );
    expect(migrationChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(migrationChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('ignores CRLF versus LF but nothing else', () => {
    expect(migrationChecksum('SELECT 1;\r\nSELECT 2;\r\n')).toBe(migrationChecksum('SELECT 1;\nSELECT 2;\n'));
    expect(migrationChecksum('SELECT 1;')).not.toBe(migrationChecksum('SELECT 1; '));
    expect(migrationChecksum('SELECT 1;')).not.toBe(migrationChecksum('select 1;'));
  });
});

describe('assertValidMigrationSet', () => {
  const migration = (version: number, sql = 'SELECT 1;'): Migration => ({
    version,
    name: `m${version}`,
    sql,
  });

  it.each([
    ['a duplicate version', [migration(1), migration(1)]],
    ['a decreasing version', [migration(2), migration(1)]],
    ['a zero version', [migration(0)]],
    ['a fractional version', [migration(1.5)]],
    ['an empty migration', [migration(1, '  \n')]],
  ])('rejects %s', (_label, migrations) => {
    expect(() => assertValidMigrationSet(migrations)).toThrow(InvalidMigrationSetError);
  });

  it('accepts gaps in a caller-supplied list (only the files must be gapless)', () => {
    expect(() => assertValidMigrationSet([migration(1), migration(5)])).not.toThrow();
  });
});
