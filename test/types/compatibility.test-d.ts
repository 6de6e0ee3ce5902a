/**
 * Type-level facts, checked by `tsc --noEmit` (`npm run lint`), not at run time: a runtime test of a literal
 * cannot fail, whereas a type that stops fitting fails the compile here.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from 'cassandra-driver';
import type { Message } from 'kafkajs';
import type pg from 'pg';
import { expectTypeOf } from 'vitest';
import type { PullDependencies } from '../../lambdas/ingest-pull/pull-users.js';
import type { Sink } from '../../lambdas/processor/process-batch.js';
import {
  toKafkaMessage,
  type UserCreatedEvent,
  type UserDeletedEvent,
} from '../../lambdas/shared/contract/index.js';
import type { StructuredLogger } from '../../lambdas/shared/logger.js';
import type { CassandraSchemaClient } from '../../lambdas/shared/schema/cassandra/index.js';
import type { MigrationClient } from '../../lambdas/shared/schema/postgres/index.js';

// The migration runner takes a pg client (one session, for the advisory lock) or a pooled one.
expectTypeOf<pg.Client>().toExtend<MigrationClient>();
expectTypeOf<pg.PoolClient>().toExtend<MigrationClient>();
// The Lambda code logs through one type: the Powertools logger in Lambda, console locally and in tests.
expectTypeOf<Console>().toExtend<StructuredLogger>();
expectTypeOf<Logger>().toExtend<StructuredLogger>();

// The Cassandra schema is applied with the driver's own client.
expectTypeOf<Client>().toExtend<CassandraSchemaClient>();

// What the contract serialises is handed to kafkajs as is.
expectTypeOf(toKafkaMessage).returns.toExtend<Message>();

// The pull side produces user.created only: a deletion does not even type-check as what it publishes.
expectTypeOf<readonly UserCreatedEvent[]>().toExtend<Parameters<PullDependencies['publish']>[0]>();
expectTypeOf<readonly UserDeletedEvent[]>().not.toExtend<Parameters<PullDependencies['publish']>[0]>();

// A sink must erase: a store with only `write` is not a Sink.
expectTypeOf<{ name: string; write: Sink['write'] }>().not.toExtend<Sink>();
