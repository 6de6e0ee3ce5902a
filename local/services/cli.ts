import { CliUsageError, exitWithUsage, wantsHelp } from '../../tools/cli/args.js';
import { connectionExports, readLocalServicesSettings } from './config.js';
import { SERVICE_NAMES, type ServiceName } from './local-service.js';
import { tailFile } from './process-supervisor.js';
import {
  bringDown,
  bringUp,
  createLocalServices,
  describeFailure,
  statusOf,
  survivingProcesses,
} from './service-runner.js';

const USAGE = `usage: npm run services -- <command> [service...] [options]

commands:
  up [service...]        start Kafka, Cassandra and PostgreSQL (or the named ones); idempotent
  down [service...]      stop what 'up' started (by pid file)
  status [--check]       show each service, pid, address, memory and health (--check: exit 1 unless all healthy)
  logs [service...] [--lines N]   print the tail of each service's log
  env                    print export lines for every connection variable and API_KEY (the local HTTP API's key)

services: ${SERVICE_NAMES.join(', ')}

options:
  -h, --help             show this help`;

function parseArgs(argv: string[]) {
  const [command, ...rest] = argv;
  const names: ServiceName[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--lines') {
      const value = rest[++i];
      if (!value || !/^\d+$/.test(value)) throw new CliUsageError('--lines needs a positive whole number');
      flags.set('lines', value);
    } else if (arg === '--check') {
      flags.set('check', true);
    } else if (arg.startsWith('-')) {
      throw new CliUsageError(`unknown option ${arg}`);
    } else if ((SERVICE_NAMES as readonly string[]).includes(arg)) {
      names.push(arg as ServiceName);
    } else {
      throw new CliUsageError(`unknown service '${arg}'`);
    }
  }
  return { command, names, flags };
}

async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const { command, names, flags } = parseArgs(argv);
  const settings = readLocalServicesSettings();
  const all = createLocalServices(settings);
  const chosen = names.length > 0 ? all.filter((s) => names.includes(s.name)) : all;
  const progress = (message: string) => console.error(`[services] ${message}`);

  switch (command) {
    case 'up': {
      const began = Date.now();
      const results = await bringUp(chosen, progress);
      for (const r of results) {
        progress(
          `${r.name}: ${r.outcome === 'started' ? 'started' : 'already running'} (pid ${r.pid}, ${r.seconds} s)`,
        );
      }
      progress(
        `all healthy in ${Math.round((Date.now() - began) / 100) / 10} s. Connect with: eval "$(npm run -s services -- env)"`,
      );
      return 0;
    }
    case 'down': {
      await bringDown(chosen, progress);
      const left = survivingProcesses(chosen);
      if (left.length > 0) {
        progress(`still alive: ${left.map((p) => `${p.name} pid ${p.pid}`).join(', ')}`);
        return 1;
      }
      return 0;
    }
    case 'status': {
      const statuses = await Promise.all(chosen.map(statusOf));
      const widths = [11, 11, 9, 17, 10];
      const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join('');
      console.log(line(['service', 'state', 'pid', 'address', 'rss']));
      for (const s of statuses) {
        const row = [
          s.name,
          s.state,
          String(s.pid ?? '-'),
          s.address,
          s.memoryMiB ? `${s.memoryMiB} MiB` : '-',
        ];
        console.log(`${line(row)}${s.detail ? `  (${s.detail})` : ''}`);
      }
      return flags.has('check') && statuses.some((s) => s.state !== 'healthy') ? 1 : 0;
    }
    case 'logs': {
      const lines = Number(flags.get('lines') ?? 50);
      for (const service of chosen) {
        console.log(`==> ${service.logFile} <==\n${tailFile(service.logFile, lines)}\n`);
      }
      return 0;
    }
    case 'env':
      console.log(connectionExports(settings).join('\n'));
      return 0;
    default:
      throw new CliUsageError(command ? `unknown command '${command}'` : 'a command is required');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliUsageError) exitWithUsage(USAGE, error.message);
    console.error(`[services] ${describeFailure(error)}`);
    process.exit(1);
  },
);
