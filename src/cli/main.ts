import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FURROW_VERSION } from '../version.ts';
import { runConvert } from './convert.ts';
import type { UnitSystem } from '../model/properties.ts';
import { isProvider, PROVIDERS, type Provider } from '../formats/providers.ts';

const UNIT_SYSTEMS: readonly UnitSystem[] = ['default', 'imperial', 'metric'];

function provider(value: string): Provider {
  const match = PROVIDERS.find((p) => p.toLowerCase() === value.toLowerCase());
  if (!match || !isProvider(match)) throw new InvalidArgumentError(`expected one of ${PROVIDERS.join(', ')}`);
  return match;
}

function unitSystem(value: string): UnitSystem {
  const lower = value.toLowerCase();
  if (!(UNIT_SYSTEMS as readonly string[]).includes(lower)) throw new InvalidArgumentError(`expected one of ${UNIT_SYSTEMS.join(', ')}`);
  return lower as UnitSystem;
}

const program = new Command()
  .name('furrow')
  .description('Turns farm machine files into standardized GeoJSON.')
  .version(FURROW_VERSION)
  .exitOverride();

program
  .command('convert')
  .description('convert every operation found in a zip or folder')
  .argument('<input>', 'a .zip file or a folder with machine data')
  .requiredOption('-o, --out <dir>', 'folder to write report.json and one folder per operation into')
  .option('--units <system>', 'unit system of the standard outputs: default (source units), imperial or metric', unitSystem, 'default' as UnitSystem)
  .option('--provider <name>', `read only this provider's formats (plus ISOXML and shapefiles): ${PROVIDERS.join(', ')}`, provider, 'Other' as Provider)
  .action(async (input: string, options: { out: string; units: UnitSystem; provider: Provider }) => {
    process.exitCode = await runConvert(input, options.out, { units: options.units, provider: options.provider });
  });

program
  .command('serve')
  .description('run the HTTP API (settings from environment variables; see README)')
  .option('--no-worker', 'do not convert uploads in this process (run a worker elsewhere)')
  .action(async (options: { worker: boolean }) => {
    // Loaded on demand so that `furrow convert` does not pay for the HTTP stack and the database driver.
    const { runServe } = await import('./serve.ts');
    process.exitCode = await runServe(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    console.error(`furrow: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
