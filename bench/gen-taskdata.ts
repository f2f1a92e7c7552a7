/**
 * Writes a synthetic but valid ISO 11783-10 TASKDATA set for benchmarks: a corn harvest logged
 * by a combine at 1 Hz along a serpentine path, field after field.
 *
 *   node --import tsx bench/gen-taskdata.ts <outDir> <records> [--dlvs N] [--zip stored|deflate] [--seed S]
 *
 * Writes <outDir>/TASKDATA/{TASKDATA.XML,TLG00001.XML,TLG00001.BIN} and, with --zip, also
 * <outDir>/taskdata.zip (entries under TASKDATA/, stored or deflated, streamed by yazl).
 * The binary timelog is written through one fixed buffer, so any size fits in bounded memory.
 * Same arguments give byte-identical files (seeded PRNG, fixed start time, fixed zip mtimes).
 *
 * Record layout (little-endian), matching TLG00001.XML (`<TIM A="" D="4"><PTN A="" B=""/>`):
 *   uint32 ms since midnight, uint16 days since 1980-01-01, int32 north ×1e7, int32 east ×1e7,
 *   uint8 count, count × (uint8 DLV index, int32 value).
 * DLVs whose process data is triggered "on change" (working width, work state) are written in
 * the first record and then only when they change, as real task controllers do; every other
 * DLV is written in every record.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import yazl from 'yazl';
import { mulberry32 } from './random.ts';

/** How a DLV's value is produced from the simulated machine state. */
type ValueKind =
  | 'yieldMass'
  | 'moisture'
  | 'width'
  | 'workState'
  | 'massFlow'
  | 'speed'
  | 'yieldVolume'
  | 'totalArea'
  | 'effectiveDistance'
  | 'totalYieldMass'
  | 'fuelRate'
  | 'totalFuel'
  | 'effectiveTime'
  | 'totalYieldVolume'
  | 'ineffectiveDistance'
  | 'ineffectiveTime';

interface DlvDef {
  ddi: string;
  /** DET that carries the process data (DET-1 the combine, DET-2 its header). */
  det: 'DET-1' | 'DET-2';
  name: string;
  kind: ValueKind;
  /** DPD trigger methods: 1 time interval, 8 on change, 16 total. */
  trigger: number;
  /** DPD property bits: 1 default set, 2 settable. */
  property: number;
  onChange: boolean;
  /** Value presentation: shown = (raw + offset) × scale. */
  dvp: { scale: number; decimals: number; unit: string };
}

/** Real ISO 11783-11 yield-monitor DDIs, in the order `--dlvs N` takes them. */
const DLVS: readonly DlvDef[] = [
  { ddi: '0054', det: 'DET-1', name: 'Mass Per Area Yield', kind: 'yieldMass', trigger: 1, property: 1, onChange: false, dvp: { scale: 0.00001, decimals: 2, unit: 't/ha' } },
  { ddi: '0063', det: 'DET-1', name: 'Crop Moisture', kind: 'moisture', trigger: 1, property: 1, onChange: false, dvp: { scale: 0.0001, decimals: 1, unit: '%' } },
  { ddi: '0043', det: 'DET-2', name: 'Actual Working Width', kind: 'width', trigger: 8, property: 1, onChange: true, dvp: { scale: 0.001, decimals: 2, unit: 'm' } },
  { ddi: '008D', det: 'DET-2', name: 'Actual Work State', kind: 'workState', trigger: 8, property: 1, onChange: true, dvp: { scale: 1, decimals: 0, unit: '' } },
  { ddi: '0057', det: 'DET-1', name: 'Mass Per Time Yield', kind: 'massFlow', trigger: 1, property: 1, onChange: false, dvp: { scale: 0.0000036, decimals: 1, unit: 't/h' } },
  { ddi: '018D', det: 'DET-1', name: 'Actual Speed', kind: 'speed', trigger: 1, property: 1, onChange: false, dvp: { scale: 0.0036, decimals: 1, unit: 'km/h' } },
  { ddi: '0053', det: 'DET-1', name: 'Volume Per Area Yield', kind: 'yieldVolume', trigger: 1, property: 1, onChange: false, dvp: { scale: 10, decimals: 0, unit: 'l/ha' } },
  { ddi: '0074', det: 'DET-1', name: 'Total Area', kind: 'totalArea', trigger: 16, property: 1, onChange: false, dvp: { scale: 0.0001, decimals: 2, unit: 'ha' } },
  { ddi: '0075', det: 'DET-1', name: 'Effective Total Distance', kind: 'effectiveDistance', trigger: 16, property: 1, onChange: false, dvp: { scale: 0.000001, decimals: 2, unit: 'km' } },
  { ddi: '005A', det: 'DET-1', name: 'Yield Total Mass', kind: 'totalYieldMass', trigger: 16, property: 1, onChange: false, dvp: { scale: 0.001, decimals: 2, unit: 't' } },
  { ddi: '0095', det: 'DET-1', name: 'Instantaneous Fuel Consumption per Time', kind: 'fuelRate', trigger: 1, property: 1, onChange: false, dvp: { scale: 0.0000036, decimals: 1, unit: 'l/h' } },
  { ddi: '0094', det: 'DET-1', name: 'Total Fuel Consumption', kind: 'totalFuel', trigger: 16, property: 1, onChange: false, dvp: { scale: 0.001, decimals: 1, unit: 'l' } },
  { ddi: '0077', det: 'DET-1', name: 'Effective Total Time', kind: 'effectiveTime', trigger: 16, property: 1, onChange: false, dvp: { scale: 1 / 3600, decimals: 2, unit: 'h' } },
  { ddi: '0059', det: 'DET-1', name: 'Yield Total Volume', kind: 'totalYieldVolume', trigger: 16, property: 1, onChange: false, dvp: { scale: 1, decimals: 0, unit: 'l' } },
  { ddi: '0076', det: 'DET-1', name: 'Ineffective Total Distance', kind: 'ineffectiveDistance', trigger: 16, property: 1, onChange: false, dvp: { scale: 0.000001, decimals: 2, unit: 'km' } },
  { ddi: '0078', det: 'DET-1', name: 'Ineffective Total Time', kind: 'ineffectiveTime', trigger: 16, property: 1, onChange: false, dvp: { scale: 1 / 3600, decimals: 2, unit: 'h' } },
];

const USAGE = 'usage: node --import tsx bench/gen-taskdata.ts <outDir> <records> [--dlvs 1..16 (default 8)] [--zip stored|deflate] [--seed N]';

/** Start of the log: 2024-10-05 07:00:00 (times are written as the controller's clock, read as UTC). */
const START_MS = Date.UTC(2024, 9, 5, 7, 0, 0);
const EPOCH_1980 = Date.UTC(1980, 0, 1);
const DAY_MS = 86_400_000;
/** A fixed zip entry time keeps the archive byte-identical between runs. */
const ZIP_MTIME = new Date(Date.UTC(2024, 9, 6, 12, 0, 0));

// Farm geometry, metres. A field is worked in north-south passes one header width apart;
// fields sit in rows of FIELDS_PER_ROW, the combine drives on the road from one to the next.
const ORIGIN_LAT = 42.0123;
const ORIGIN_LON = -93.6345;
const HEADER_WIDTH_M = 9.144; // a 12-row, 30-inch corn head
const PASS_LENGTH_M = 800;
const FIELD_WIDTH_M = 600;
const FIELD_SPACING_EAST_M = 1000;
const FIELD_SPACING_NORTH_M = 1200;
const FIELDS_PER_ROW = 8;
const TURN_SECONDS = 12;
const ROAD_SPEED_MS = 6;
/** Corn test weight 56 lb/bu = 0.7208 kg/L. */
const CORN_KG_PER_L = 0.7208;
const M_PER_DEG_LAT = 111_320;
const M_PER_DEG_LON = 111_320 * Math.cos((ORIGIN_LAT * Math.PI) / 180);

function int32(v: number): number {
  const r = Math.round(v);
  return r > 2147483647 ? 2147483647 : r < -2147483648 ? -2147483648 : r;
}

/** The combine, advanced one second at a time. */
class Combine {
  /** Local metres east/north of the farm origin. */
  x = 0;
  y = 0;
  speed = 0;
  working = true;
  fuelRate = 0;
  private phase: 'work' | 'turn' | 'road' = 'work';
  private field = 0;
  private pass = 0;
  private dir = 1;
  private along = 0;
  private phaseTime = 0;
  private fromX = 0;
  private fromY = 0;
  private toX = 0;
  private toY = 0;
  private t = 0;

  constructor(private readonly rnd: () => number) {
    this.enterField(0);
  }

  private fieldOrigin(field: number): [number, number] {
    return [(field % FIELDS_PER_ROW) * FIELD_SPACING_EAST_M, Math.floor(field / FIELDS_PER_ROW) * FIELD_SPACING_NORTH_M];
  }

  private enterField(field: number): void {
    this.field = field;
    this.pass = 0;
    this.dir = 1;
    this.along = 0;
    this.phase = 'work';
    const [x0, y0] = this.fieldOrigin(field);
    this.x = x0 + HEADER_WIDTH_M / 2;
    this.y = y0;
  }

  /** True at the second a new field starts (task totals restart there). */
  newField = false;

  step(): void {
    this.t++;
    this.newField = false;
    const noise = this.rnd() + this.rnd() - 1;
    const [x0, y0] = this.fieldOrigin(this.field);
    if (this.phase === 'work') {
      this.working = true;
      this.speed = Math.max(0.5, 2.0 + 0.25 * Math.sin(this.t / 47) + 0.08 * noise);
      this.along += this.speed;
      if (this.along >= PASS_LENGTH_M) {
        this.along = PASS_LENGTH_M;
        this.phase = 'turn';
        this.phaseTime = 0;
      }
      this.y = y0 + (this.dir > 0 ? this.along : PASS_LENGTH_M - this.along);
      this.x = x0 + HEADER_WIDTH_M / 2 + this.pass * HEADER_WIDTH_M + 0.05 * noise;
      this.fuelRate = 12_500 + 900 * noise; // mm³/s ≈ 45 L/h
      return;
    }
    if (this.phase === 'turn') {
      // Half a circle of radius width/2 onto the next pass, header raised.
      this.working = false;
      this.phaseTime++;
      const r = HEADER_WIDTH_M / 2;
      const theta = (Math.PI * this.phaseTime) / TURN_SECONDS;
      const cx = x0 + HEADER_WIDTH_M / 2 + this.pass * HEADER_WIDTH_M + r;
      const cy = y0 + (this.dir > 0 ? PASS_LENGTH_M : 0);
      this.x = cx - r * Math.cos(theta);
      this.y = cy + this.dir * r * Math.sin(theta);
      this.speed = (Math.PI * r) / TURN_SECONDS;
      this.fuelRate = 6_000 + 400 * noise;
      if (this.phaseTime >= TURN_SECONDS) {
        this.pass++;
        this.dir = -this.dir;
        this.along = 0;
        if ((this.pass + 1) * HEADER_WIDTH_M > FIELD_WIDTH_M) {
          // Field done: drive to the next one.
          const [nx, ny] = this.fieldOrigin(this.field + 1);
          this.phase = 'road';
          this.phaseTime = 0;
          this.fromX = this.x;
          this.fromY = this.y;
          this.toX = nx + HEADER_WIDTH_M / 2;
          this.toY = ny;
        } else {
          this.phase = 'work';
        }
      }
      return;
    }
    // On the road to the next field.
    this.working = false;
    this.phaseTime++;
    const dx = this.toX - this.fromX;
    const dy = this.toY - this.fromY;
    const length = Math.hypot(dx, dy);
    const done = Math.min(1, (this.phaseTime * ROAD_SPEED_MS) / length);
    this.x = this.fromX + dx * done;
    this.y = this.fromY + dy * done;
    this.speed = ROAD_SPEED_MS;
    this.fuelRate = 5_500 + 300 * noise;
    if (done >= 1) {
      this.enterField(this.field + 1);
      this.newField = true;
    }
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function isoLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function taskDataXml(dlvs: readonly DlvDef[], records: number): string {
  const dpdIds = dlvs.map((_, i) => i + 1);
  const dvpId = (i: number) => i + 1;
  const dets = (['DET-1', 'DET-2'] as const).map((det) => ({ det, dpds: dlvs.map((d, i) => (d.det === det ? dpdIds[i] : -1)).filter((id) => id > 0) }));
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ISO11783_TaskData VersionMajor="4" VersionMinor="3" ManagementSoftwareManufacturer="Furrow bench" ManagementSoftwareVersion="1.0" TaskControllerManufacturer="Furrow bench TC" TaskControllerVersion="1.0" DataTransferOrigin="2">',
    '  <CTR A="CTR1" B="Prairie Acres LLC" C="Dana"/>',
    '  <FRM A="FRM1" B="Home Farm" I="CTR1"/>',
    '  <PGP A="PGP1" B="Crops" C="2"/>',
    '  <CTP A="CTP1" B="corn" C="PGP1">',
    '    <CVT A="CVT1" B="P1197AM" C="PDT1"/>',
    '  </CTP>',
    '  <PDT A="PDT1" B="Corn P1197AM" C="PGP1" F="1"/>',
    `  <PFD A="PFD1" C="North 80" D="${PASS_LENGTH_M * FIELD_WIDTH_M}" E="CTR1" F="FRM1" G="CTP1" H="CVT1"/>`,
    // NAME A00E…: device class 7 (harvesters) in the second byte.
    '  <DVC A="DVC-1" B="Combine 8250" C="4.2.1" D="A00E8A0012345678" E="SN-BENCH-0001" F="00000000000001" G="FF000000006E65">',
    '    <DET A="DET-1" B="1" C="1" D="Combine" E="0" F="0">',
    ...dets[0].dpds.map((id) => `      <DOR A="${id}"/>`),
    '    </DET>',
    '    <DET A="DET-2" B="2" C="2" D="Corn head" E="1" F="1">',
    ...dets[1].dpds.map((id) => `      <DOR A="${id}"/>`),
    '    </DET>',
    ...dlvs.map((d, i) => `    <DPD A="${dpdIds[i]}" B="${d.ddi}" C="${d.property}" D="${d.trigger}" E="${escapeXml(d.name)}" F="${dvpId(i)}"/>`),
    ...dlvs.map((d, i) => `    <DVP A="${dvpId(i)}" B="0" C="${d.dvp.scale}" D="${d.dvp.decimals}" E="${escapeXml(d.dvp.unit)}"/>`),
    '  </DVC>',
    '  <TSK A="TSK1" B="Harvest corn" C="CTR1" D="FRM1" E="PFD1" G="4">',
    `    <TIM A="${isoLocal(START_MS)}" B="${isoLocal(START_MS + Math.max(0, records - 1) * 1000)}" D="4"/>`,
    '    <DAN A="A00E8A0012345678" C="DVC-1"/>',
    '    <PAN A="PDT1" E="DET-1"/>',
    '    <TLG A="TLG00001" C="1"/>',
    '  </TSK>',
    '</ISO11783_TaskData>',
    '',
  ];
  return lines.join('\n');
}

function timeLogHeaderXml(dlvs: readonly DlvDef[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<TIM A="" D="4">',
    '  <PTN A="" B=""/>',
    ...dlvs.map((d) => `  <DLV A="${d.ddi}" B="" C="${d.det}"/>`),
    '</TIM>',
    '',
  ].join('\n');
}

/** Streams `records` records into `path` through one reused buffer. */
async function writeTimeLog(path: string, records: number, dlvs: readonly DlvDef[], seed: number): Promise<number> {
  const rnd = mulberry32(seed);
  const combine = new Combine(rnd);
  const k = dlvs.length;
  const maxRecord = 15 + 5 * k;
  const buf = Buffer.alloc(4 << 20);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const last = new Float64Array(k).fill(NaN);
  const kinds = dlvs.map((d) => d.kind);
  const onChange = dlvs.map((d) => d.onChange);
  const handle = await open(path, 'w');
  let bytes = 0;
  let o = 0;
  // Task totals, restarted on every field.
  let totalArea = 0;
  let effDistance = 0;
  let ineffDistance = 0;
  let effTime = 0;
  let ineffTime = 0;
  let totalMass = 0;
  let totalFuel = 0;
  try {
    for (let r = 0; r < records; r++) {
      if (r > 0) combine.step();
      if (combine.newField) {
        totalArea = effDistance = ineffDistance = effTime = ineffTime = totalMass = totalFuel = 0;
      }
      const { x, y, speed, working } = combine;
      const time = START_MS + r * 1000;
      const sinceEpoch = time - EPOCH_1980;
      const days = Math.floor(sinceEpoch / DAY_MS);
      const ms = sinceEpoch - days * DAY_MS;

      // Yield: a smooth spatial pattern around 11 t/ha plus sensor noise; nothing while the head is up.
      const noise = rnd() + rnd() + rnd() - 1.5;
      const yieldKgHa = working ? Math.max(500, 11_000 + 2_200 * Math.sin(x / 83) * Math.cos(y / 61) + 900 * Math.sin((x + y) / 37) + 600 * noise) : 0;
      const yieldMgM2 = yieldKgHa * 100;
      const moisturePpm = 185_000 + 15_000 * Math.sin(x / 150 + 1) * Math.cos(y / 230) - 10_000 * Math.sin(((ms / DAY_MS) * 2 - 0.5) * Math.PI) + 1_500 * noise;
      const areaStep = working ? HEADER_WIDTH_M * speed : 0;
      const massStepKg = (yieldKgHa / 10_000) * areaStep;
      if (working) {
        totalArea += areaStep;
        effDistance += speed;
        effTime += 1;
      } else {
        ineffDistance += speed;
        ineffTime += 1;
      }
      totalMass += massStepKg;
      totalFuel += combine.fuelRate / 1000; // mm³ → ml

      if (o + maxRecord > buf.length) {
        await handle.write(buf, 0, o);
        bytes += o;
        o = 0;
      }
      view.setUint32(o, ms, true);
      view.setUint16(o + 4, days, true);
      view.setInt32(o + 6, int32((ORIGIN_LAT + y / M_PER_DEG_LAT) * 1e7), true);
      view.setInt32(o + 10, int32((ORIGIN_LON + x / M_PER_DEG_LON) * 1e7), true);
      const countAt = o + 14;
      o += 15;
      let count = 0;
      for (let i = 0; i < k; i++) {
        let v: number;
        switch (kinds[i]) {
          case 'yieldMass': v = yieldMgM2; break;
          case 'moisture': v = moisturePpm; break;
          case 'width': v = HEADER_WIDTH_M * 1000; break;
          case 'workState': v = working ? 1 : 0; break;
          case 'massFlow': v = massStepKg * 1e6; break; // per second: kg/s → mg/s
          case 'speed': v = speed * 1000; break;
          case 'yieldVolume': v = yieldMgM2 / (CORN_KG_PER_L * 1000); break; // mg/m² → ml/m²
          case 'totalArea': v = totalArea; break;
          case 'effectiveDistance': v = effDistance * 1000; break;
          case 'totalYieldMass': v = totalMass; break;
          case 'fuelRate': v = combine.fuelRate; break;
          case 'totalFuel': v = totalFuel; break;
          case 'effectiveTime': v = effTime; break;
          case 'totalYieldVolume': v = totalMass / CORN_KG_PER_L; break;
          case 'ineffectiveDistance': v = ineffDistance * 1000; break;
          case 'ineffectiveTime': v = ineffTime; break;
        }
        const raw = int32(v);
        if (onChange[i] && raw === last[i]) continue;
        last[i] = raw;
        buf[o] = i;
        view.setInt32(o + 1, raw, true);
        o += 5;
        count++;
      }
      buf[countAt] = count;
    }
    await handle.write(buf, 0, o);
    bytes += o;
  } finally {
    await handle.close();
  }
  return bytes;
}

async function zipFolder(dir: string, names: readonly string[], zipPath: string, compress: boolean): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const name of names) zip.addFile(join(dir, name), `TASKDATA/${name}`, { compress, mtime: ZIP_MTIME, mode: 0o100644 });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { dlvs: { type: 'string', default: '8' }, zip: { type: 'string' }, seed: { type: 'string', default: '20241005' } },
  });
  const [outDir, recordsText] = positionals;
  const records = Number(recordsText);
  const dlvCount = Number(values.dlvs);
  const zipMode = values.zip;
  if (!outDir || !Number.isInteger(records) || records < 1 || !Number.isInteger(dlvCount) || dlvCount < 1 || dlvCount > DLVS.length || (zipMode !== undefined && zipMode !== 'stored' && zipMode !== 'deflate')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const dlvs = DLVS.slice(0, dlvCount);
  const dir = join(outDir, 'TASKDATA');
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  await writeFile(join(dir, 'TASKDATA.XML'), taskDataXml(dlvs, records));
  await writeFile(join(dir, 'TLG00001.XML'), timeLogHeaderXml(dlvs));
  const binBytes = await writeTimeLog(join(dir, 'TLG00001.BIN'), records, dlvs, Number(values.seed));
  const t1 = performance.now();
  let zipPath: string | undefined;
  let zipBytes: number | undefined;
  if (zipMode) {
    zipPath = join(outDir, 'taskdata.zip');
    await zipFolder(dir, ['TASKDATA.XML', 'TLG00001.XML', 'TLG00001.BIN'], zipPath, zipMode === 'deflate');
    zipBytes = (await stat(zipPath)).size;
  }
  const t2 = performance.now();
  console.log(
    JSON.stringify({
      folder: dir,
      records,
      dlvs: dlvs.map((d) => d.ddi),
      binBytes,
      bytesPerRecord: Math.round((binBytes / records) * 100) / 100,
      generateMs: Math.round(t1 - t0),
      zip: zipPath,
      zipMode,
      zipBytes,
      zipMs: zipPath ? Math.round(t2 - t1) : undefined,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

await main();
