import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FURROW_VERSION } from '../version.ts';
import { runConvert } from './convert.ts';
import { EXPORT_FORMATS, type ExportFormat } from './export-outputs.ts';
import { runInspect } from './inspect.ts';
import type { UnitSystem } from '../model/properties.ts';
import { isProvider, PROVIDERS, type Provider } from '../formats/providers.ts';

const UNIT_SYSTEMS: readonly UnitSystem[] = ['default', 'imperial', 'metric'];

function provider(value: string): Provider {
  const match = PROVIDERS.find((p) => p.toLowerCase() === value.toLowerCase());
  if (!match || !isProvider(match)) throw new InvalidArgumentError(`expected one of ${PROVIDERS.join(', ')}`);
  return match;
}

function exportFormat(value: string): ExportFormat {
  const lower = value.toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(lower)) throw new InvalidArgumentError(`expected one of ${EXPORT_FORMATS.join(', ')}`);
  return lower as ExportFormat;
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
  .option('--format <format>', `also write the standard, filtered and coverage layers as: ${EXPORT_FORMATS.join(', ')} (read from the table when the GeoJSON layers are not written)`, exportFormat, 'geojson' as ExportFormat)
  .option('--geojson', 'also write the raw, normalized, standard, filtered and annotated GeoJSON layers as files (by default each operation stores table.parquet, one GeoParquet table of every point, beside summary, units, images and coverage)', false)
  .action(async (input: string, options: { out: string; units: UnitSystem; provider: Provider; format: ExportFormat; geojson: boolean }) => {
    process.exitCode = await runConvert(input, options.out, { units: options.units, provider: options.provider, geojson: options.geojson }, options.format);
  });

function frameKinds(value: string): number[] {
  const kinds = value.split(',').map((k) => Number(k.trim()));
  if (kinds.some((k) => !Number.isInteger(k) || k < 0)) throw new InvalidArgumentError('expected frame kinds as numbers, e.g. 1,2');
  return kinds;
}

program
  .command('inspect')
  .description('dump the frames and protobuf field statistics of a John Deere Gen4 .jdl (support and decoding tool)')
  .argument('<file>', 'a .jdl file, or a file inside a zip as archive.zip!/path/in/zip')
  .option('--json', 'machine-readable output', false)
  .option('--kinds <list>', 'collect field statistics only for these frame kinds (1 header, 2 data, 3 version, 4 trailer)', frameKinds, [] as number[])
  .action(async (file: string, options: { json: boolean; kinds: number[] }) => {
    process.exitCode = await runInspect(file, options);
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

program
  .command('worker')
  .description('run conversions, merges and webhook deliveries only (beside `serve --no-worker`; settings from environment variables)')
  .action(async () => {
    const { runWorker } = await import('./serve.ts');
    process.exitCode = await runWorker();
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
