// Docker cannot run where this project is developed, so the compose mirror is checked statically:
// parsed, then held to the versions and ports of the native local services.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStageConfig } from '../../bin/config/index.js';
import { dayTableReadsJson } from '../../lambdas/shared/schema/cassandra/index.js';
import { AIRFLOW_VERSION } from '../../lib/constructs/orchestration/airflow-version.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const composeFile = join(repoRoot, 'docker-compose.localstack.yml');

interface ComposeService {
  readonly image?: string;
  readonly command?: string | readonly string[];
  readonly ports?: readonly (string | { readonly published?: string | number; readonly target?: number })[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>> | readonly string[];
  readonly volumes?: readonly (string | { readonly source?: string; readonly target?: string })[];
  readonly healthcheck?: { readonly test?: string | readonly string[]; readonly disable?: boolean };
  readonly depends_on?: readonly string[] | Readonly<Record<string, { readonly condition?: string }>>;
}

interface ComposeDocument {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

const compose = parse(readFileSync(composeFile, 'utf8')) as ComposeDocument;
const services = compose.services;
const serviceNames = ['localstack', 'kafka', 'cassandra', 'postgres', 'airflow'] as const;

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`service ${name} is missing from ${composeFile}`);
  return found;
}

/** `repository` and `tag` of an image reference; a `:` before the last `/` belongs to a registry host. */
function imageParts(image: string): { repository: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0] ?? image;
  const tagSeparator = withoutDigest.lastIndexOf(':');
  if (tagSeparator <= withoutDigest.lastIndexOf('/')) return { repository: withoutDigest, tag: undefined };
  return { repository: withoutDigest.slice(0, tagSeparator), tag: withoutDigest.slice(tagSeparator + 1) };
}

function imageOf(name: string): { repository: string; tag: string | undefined } {
  const image = service(name).image;
  if (image === undefined) throw new Error(`service ${name} has no image`);
  return imageParts(image);
}

/** Host port → container port for the short (`[ip:]host:container`) and long port syntaxes. */
function publishedPorts(name: string): Map<number, number> {
  const result = new Map<number, number>();
  for (const entry of service(name).ports ?? []) {
    if (typeof entry === 'string') {
      const parts = entry.split('/')[0]?.split(':') ?? [];
      const [host, container] = parts.slice(-2);
      if (parts.length >= 2 && host && container) result.set(Number(host), Number(container));
    } else if (entry.published !== undefined && entry.target !== undefined) {
      result.set(Number(entry.published), entry.target);
    }
  }
  return result;
}

function environmentOf(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      (environment as readonly string[]).map((line) => {
        const separator = line.indexOf('=');
        return separator === -1 ? [line, ''] : [line.slice(0, separator), line.slice(separator + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value ?? '')]));
}

/** `source → target` of each volume, mode suffixes (`:ro`) dropped. */
function mounts(name: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const entry of service(name).volumes ?? []) {
    if (typeof entry === 'string') {
      const [source, target] = entry.split(':');
      if (source && target) result.set(source, target);
    } else if (entry.source && entry.target) {
      result.set(entry.source, entry.target);
    }
  }
  return result;
}

function healthyDependencies(name: string): string[] {
  const dependsOn = service(name).depends_on;
  if (dependsOn === undefined || Array.isArray(dependsOn)) return [];
  return Object.entries(dependsOn as Record<string, { condition?: string }>)
    .filter(([, options]) => options.condition === 'service_healthy')
    .map(([dependency]) => dependency);
}

describe('docker-compose.localstack.yml', () => {
  it('defines the five services of the local environment', () => {
    expect(Object.keys(services).sort()).toEqual([...serviceNames].sort());
  });

  it.each(serviceNames)('pins the %s image to an explicit tag other than latest', (name) => {
    const { repository, tag } = imageOf(name);
    expect(repository).not.toBe('');
    expect(tag, `${name} image has no tag`).toBeDefined();
    expect(tag).not.toMatch(/^latest$/i);
  });

  it('uses the images the native local services mirror', () => {
    expect(service('localstack').image).toBe('localstack/localstack:4.14');
    expect(imageOf('kafka')).toMatchObject({
      repository: 'apache/kafka',
      tag: expect.stringMatching(/^4\./),
    });
    expect(imageOf('cassandra')).toMatchObject({
      repository: 'cassandra',
      tag: expect.stringMatching(/^5\.0\.\d+$/),
    });
    expect(imageOf('postgres')).toMatchObject({
      repository: 'postgres',
      tag: expect.stringMatching(/^17(\.\d+)?$/),
    });
  });

  it('runs the Airflow and Python versions of MWAA (mwaa-dags/requirements.txt names both)', () => {
    const requirements = readFileSync(join(repoRoot, 'mwaa-dags', 'requirements.txt'), 'utf8');
    const mwaa = /constraints-(\d+\.\d+\.\d+)\/constraints-(\d+\.\d+)\.txt/.exec(requirements);
    expect(mwaa, 'no constraints-<airflow>/constraints-<python>.txt URL').not.toBeNull();
    const [, airflowVersion, pythonVersion] = mwaa as RegExpExecArray;
    expect(airflowVersion).toBe(AIRFLOW_VERSION);
    expect(imageOf('airflow')).toEqual({
      repository: 'apache/airflow',
      tag: `${AIRFLOW_VERSION}-python${pythonVersion}`,
    });
  });

  it.each(serviceNames)('gives %s a healthcheck with a test command', (name) => {
    const healthcheck = service(name).healthcheck;
    expect(healthcheck?.disable ?? false).toBe(false);
    const test = healthcheck?.test;
    expect(test, `${name} has no healthcheck test`).toBeDefined();
    if (typeof test === 'string') {
      expect(test.trim()).not.toBe('');
    } else {
      expect(['CMD', 'CMD-SHELL']).toContain(test?.[0]);
      expect(test?.slice(1).join(' ').trim()).not.toBe('');
    }
  });

  it.each([
    ['kafka', 9092],
    ['cassandra', 9042],
    ['postgres', 5432],
    ['localstack', 4566],
    ['airflow', 8080],
  ] as const)('publishes %s on host port %i, as native mode does', (name, port) => {
    expect(publishedPorts(name).get(port)).toBe(port);
  });

  it('advertises Kafka to the host as 127.0.0.1:9092 and to containers on an internal listener', () => {
    const kafka = environmentOf('kafka');
    const advertised = (kafka.KAFKA_ADVERTISED_LISTENERS ?? '').split(',');
    expect(advertised).toContain('PLAINTEXT://127.0.0.1:9092');
    const internal = advertised.find((listener) => listener.includes('//kafka:'));
    expect(internal, 'no listener advertised under the service name').toBeDefined();
    expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    // Airflow (a container) must use the internal listener, not the host's loopback address.
    expect(internal?.split('://')[1]).toBe(environmentOf('airflow').KAFKA_BROKERS);
  });

  it("gives the DAGs the LocalStack stage's day table (Variable signup_day_table)", () => {
    const { buckets, legacyTable } = loadStageConfig('local', {}).signupDayTable;
    expect(JSON.parse(environmentOf('airflow').AIRFLOW_VAR_SIGNUP_DAY_TABLE ?? '')).toEqual(
      JSON.parse(dayTableReadsJson({ buckets, legacyTable })),
    );
  });

  it('keeps the Cassandra heap small', () => {
    const cassandra = environmentOf('cassandra');
    expect(cassandra.MAX_HEAP_SIZE).toMatch(/^\d+[MG]$/);
    expect(cassandra.HEAP_NEWSIZE).toMatch(/^\d+[MG]$/);
  });

  it('uses the PostgreSQL credentials of native mode', () => {
    expect(environmentOf('postgres')).toMatchObject({
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: 'postgres',
      POSTGRES_DB: 'pipeline',
    });
  });

  it('runs Airflow standalone with the DAGs and their package from ./mwaa-dags', () => {
    const airflow = service('airflow');
    expect(
      airflow.command === 'standalone' ||
        (Array.isArray(airflow.command) && airflow.command[0] === 'standalone'),
    ).toBe(true);
    const airflowMounts = mounts('airflow');
    expect(airflowMounts.get('./mwaa-dags/dags')).toBe('/opt/airflow/dags');
    const packageMount = airflowMounts.get('./mwaa-dags');
    expect(packageMount).toBeDefined();
    expect((environmentOf('airflow').PYTHONPATH ?? '').split(':')).toContain(packageMount);
  });

  it('points Airflow at the compose services by name', () => {
    expect(environmentOf('airflow')).toMatchObject({
      CASSANDRA_CONTACT_POINTS: 'cassandra',
      PGHOST: 'postgres',
      PGDATABASE: 'pipeline',
    });
  });

  it('starts Airflow only after the stores and the broker are healthy', () => {
    expect(healthyDependencies('airflow')).toEqual(
      expect.arrayContaining(['kafka', 'cassandra', 'postgres']),
    );
  });

  it('declares every named volume it mounts', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const name of serviceNames) {
      for (const source of mounts(name).keys()) {
        const isNamedVolume = !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('$');
        if (isNamedVolume) expect(declared, `${name} mounts undeclared volume ${source}`).toContain(source);
      }
    }
    // Every stateful service keeps its data in a named volume.
    for (const name of ['kafka', 'cassandra', 'postgres']) {
      expect(
        [...mounts(name).keys()].some((source) => declared.includes(source)),
        name,
      ).toBe(true);
    }
  });
});
