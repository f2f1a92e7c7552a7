import type { PointBatch } from '../model/batch.ts';
import { emptyBatch } from '../model/batch.ts';
import { lookupCrop, dryFromWet, wetFromDry, volumeFromMass } from '../model/crops.ts';
import type { StandardProperty, UnitSystem } from '../model/properties.ts';
import { targetUnit } from '../model/properties.ts';
import { converter, unit as unitDef, unitSystemOf } from '../model/units.ts';
import type { ColumnSpec, OperationMeta } from '../formats/types.ts';
import { bearingDegrees, distanceMeters } from './geodesy.ts';
import type { PointProducts } from './point-features.ts';
import { meteredProduct } from './products.ts';

/**
 * A segment longer in time than this, or faster than MAX_PLAUSIBLE_SPEED, is a gap in the log
 * (machine switched off, moved to another field): it gets its true `distance` but covers no area.
 */
const MAX_GAP_SECONDS = 30;
const MAX_PLAUSIBLE_SPEED = 25; // m/s, 90 km/h: no field operation runs faster

/** Properties that the source logs directly and that only need a unit conversion. */
const DIRECT_NUMERIC: readonly StandardProperty[] = [
  'elevation',
  'equipmentWidth',
  'workingWidth',
  'speed',
  'seedRate',
  'seedRateTarget',
  'seedDepth',
  'downForce',
  'singulation',
  'skips',
  'doubles',
  'appliedRate',
  'appliedRateTarget',
  'harvestMoisture',
  'cropFlow',
  'tillageDepthActual',
  'tillageDepthTarget',
  'fuelUsed',
  'sectionId',
  'proteinPercentage',
  'samplingInterval',
];

/** A standardized batch, with what the summary and reconciliation need beside the standard columns. */
export interface StandardBatch extends PointBatch {
  /** Seconds since the previous point of the point's track (0 at a track's first point and across a gap in the log). */
  intervals: Float64Array;
  /** Whether the point was working: a working width above 0 (sections on, implement on) where one is known, else not switched off. */
  working: Uint8Array;
  /** Whether the implement was switched on (its work state not off), whatever its sections: what a machine's "effective" distance and time count. */
  switchedOn: Uint8Array;
}

/** The previous point of one section's track (or of the whole operation when sections are not logged). */
interface Track {
  lon: number;
  lat: number;
  time: number;
  speed: number;
  heading: number;
  /** The track's first point, waiting for the heading of the segment that follows it. */
  headingIndex?: { batch: PointBatch; index: number };
}

interface DirectColumn {
  property: StandardProperty;
  key: string;
  toTarget: (v: number) => number;
  toBase?: (v: number) => number;
}

/** Base units the derivations work in, whatever the source or the output system. */
const BASE = { length: 'm', speed: 'm/s', area: 'm2', massPerArea: 'kg/ha', mass: 'kg', volume: 'm3', volumePerArea: 'm3/ha', ratio: 'percentage' } as const;

/**
 * Turns a source's columns into Leaf's standard per-point properties in the chosen unit system,
 * deriving what the source does not log (distance, heading, speed, area, masses, volumes, dry
 * values). Stateful across batches: each point's distance and heading are measured from the
 * previous point of the operation.
 */
export class Standardizer {
  /** Unit of every numeric standard property this operation produces, in output order. */
  readonly units = new Map<StandardProperty, string>();
  readonly warnings: string[] = [];
  private readonly direct: DirectColumn[] = [];
  private readonly recordingKey: string | undefined;
  private readonly crop: ReturnType<typeof lookupCrop>;
  private readonly has: Set<StandardProperty>;
  private readonly massPerAreaBase?: (v: number) => number;
  private readonly volumePerAreaBase?: (v: number) => number;
  private readonly dryMassPerAreaBase?: (v: number) => number;
  private readonly dryVolumePerAreaBase?: (v: number) => number;
  private readonly massPerAreaKey?: string;
  private readonly volumePerAreaKey?: string;
  private readonly dryMassPerAreaKey?: string;
  private readonly dryVolumePerAreaKey?: string;
  private readonly out: Record<string, (v: number) => number> = {};
  /** Source-logged distance (converted to m) and heading, used instead of the derived ones when present. */
  private readonly distanceSource?: { key: string; toBase: (v: number) => number };
  private readonly headingKey?: string;
  /** A source-logged per-point area (Leaf's or Furrow's own standard GeoJSON read back), in m². */
  private readonly areaSource?: { key: string; toBase: (v: number) => number };
  private readonly sectionKey?: string;
  /**
   * The previous point of each track. A source that logs one point per section and time step
   * (John Deere exports, row-level planters) interleaves several tracks; measuring each point
   * from the previous point of its own section keeps distances, headings and speeds true.
   */
  private readonly tracks = new Map<number, Track>();

  constructor(
    private readonly meta: OperationMeta,
    system: UnitSystem,
  ) {
    const byProperty = new Map<StandardProperty, ColumnSpec>();
    for (const column of meta.columns) {
      if (column.standard && !byProperty.has(column.standard)) byProperty.set(column.standard, column);
    }
    this.has = new Set(byProperty.keys());
    this.crop = meta.crop ? lookupCrop(meta.crop) : undefined;

    const addUnit = (property: StandardProperty, sourceUnit: string, unitSystem: UnitSystem = system): string => {
      const unit = targetUnit(property, unitSystem, sourceUnit);
      this.units.set(property, unit);
      return unit;
    };
    // In the `default` system a property Furrow derives (no source unit of its own) takes the system the
    // file's own values are logged in, so an imperial yield map shows bu/ac next to lb/ac, not m³/ha.
    const derivedSystem: UnitSystem = system === 'default' && fileUnitSystem(meta) === 'imperial' ? 'imperial' : system;
    /** A derived property: computed in `baseUnit`, shown in the unit the system picks for a source logged in `sourceUnit`. */
    const base = (property: StandardProperty, baseUnit: string, sourceUnit?: string): ((v: number) => number) => {
      const unit = sourceUnit === undefined ? addUnit(property, baseUnit, derivedSystem) : addUnit(property, sourceUnit);
      const fn = converter(baseUnit, unit);
      this.out[property] = fn;
      return fn;
    };

    // Geometry-derived properties first, so they lead each point's properties.
    const distanceColumn = byProperty.get('distance');
    if (distanceColumn?.unit) this.distanceSource = { key: distanceColumn.key, toBase: converter(distanceColumn.unit, BASE.length) };
    base('distance', BASE.length, this.distanceSource ? distanceColumn!.unit : undefined);
    this.headingKey = byProperty.get('heading')?.key;
    const areaColumn = byProperty.get('area');
    if (areaColumn?.unit) this.areaSource = { key: areaColumn.key, toBase: converter(areaColumn.unit, BASE.area) };
    base('heading', 'arcdeg', 'arcdeg');
    // Per-point area stays m² in the default system whatever the file (Leaf's own outputs do so).
    base('area', BASE.area, BASE.area);
    this.sectionKey = byProperty.get('sectionId')?.key;

    for (const property of DIRECT_NUMERIC) {
      const column = byProperty.get(property);
      // A section number is a plain count; drivers need not say so.
      const sourceUnit = column?.unit ?? (property === 'sectionId' && column ? 'count' : undefined);
      if (!column || !sourceUnit) continue;
      const unit = addUnit(property, sourceUnit);
      this.direct.push({
        property,
        key: column.key,
        toTarget: converter(sourceUnit, unit),
        toBase: property === 'speed' ? converter(sourceUnit, BASE.speed) : property === 'equipmentWidth' || property === 'workingWidth' ? converter(sourceUnit, BASE.length) : undefined,
      });
    }
    if (!this.has.has('speed')) base('speed', BASE.speed);
    // Without a logged working width, the implement's width works unless its work state says it is off.
    const widthColumn = byProperty.get('equipmentWidth');
    if (!this.has.has('workingWidth') && widthColumn?.unit) base('workingWidth', BASE.length, widthColumn.unit);
    this.recordingKey = byProperty.get('recordingStatus')?.key;

    if (meta.operationType === 'harvested') {
      const mass = byProperty.get('wetMassPerArea');
      const volume = byProperty.get('wetVolumePerArea');
      const dry = byProperty.get('dryMassPerArea');
      const dryVolume = byProperty.get('dryVolumePerArea');
      if (mass?.unit) {
        this.massPerAreaKey = mass.key;
        this.massPerAreaBase = converter(mass.unit, BASE.massPerArea);
      }
      if (volume?.unit) {
        this.volumePerAreaKey = volume.key;
        this.volumePerAreaBase = converter(volume.unit, BASE.volumePerArea);
      }
      if (dry?.unit) {
        this.dryMassPerAreaKey = dry.key;
        this.dryMassPerAreaBase = converter(dry.unit, BASE.massPerArea);
      }
      // A logged dry volume (John Deere's VRYIELDVOL: bushels at the crop's standard moisture) is
      // kept as logged rather than recomputed; the masses still come from the wet mass beside it.
      if (dryVolume?.unit) {
        this.dryVolumePerAreaKey = dryVolume.key;
        this.dryVolumePerAreaBase = converter(dryVolume.unit, BASE.volumePerArea);
      }
      const canMass = this.massPerAreaKey !== undefined || ((this.volumePerAreaKey !== undefined || this.dryVolumePerAreaKey !== undefined) && this.crop !== undefined);
      const canVolume = this.volumePerAreaKey !== undefined || this.dryVolumePerAreaKey !== undefined || (this.massPerAreaKey !== undefined && this.crop !== undefined);
      if (canMass) {
        base('wetMass', BASE.mass);
        base('wetMassPerArea', BASE.massPerArea, mass?.unit);
        base('dryMass', BASE.mass);
        base('dryMassPerArea', BASE.massPerArea, dry?.unit ?? mass?.unit);
      }
      if (canVolume) {
        base('wetVolume', BASE.volume);
        base('wetVolumePerArea', BASE.volumePerArea, volume?.unit ?? dryVolume?.unit);
        base('dryVolume', BASE.volume);
        base('dryVolumePerArea', BASE.volumePerArea, dryVolume?.unit ?? volume?.unit);
      }
      if (!this.crop) {
        this.warnings.push(
          meta.crop
            ? `crop "${meta.crop}" is not in the crop table: volumes and dry values cannot be computed`
            : 'no crop is recorded: volumes cannot be computed and dry values repeat wet values',
        );
      } else if (this.crop.standardMoisture === undefined) {
        this.warnings.push(`crop "${this.crop.name}" has no standard moisture: dry values repeat wet values`);
      }
    }
  }

  /**
   * The required properties (model `requiredProperties`) that this source cannot provide. Most of
   * Leaf's required list is derived here (timestamp, distance, heading, area, masses, volumes), so
   * only the value the machine itself must log is checked; elevation is left out because many
   * task controllers log no altitude, and refusing their files would help nobody.
   */
  missingRequired(): StandardProperty[] {
    switch (this.meta.operationType) {
      case 'planted':
        return this.has.has('seedRate') ? [] : ['seedRate'];
      case 'applied':
        return this.has.has('appliedRate') ? [] : ['appliedRate'];
      case 'harvested':
        return this.units.has('wetMassPerArea') || this.units.has('wetVolumePerArea') ? [] : ['wetMassPerArea', 'wetVolumePerArea'];
      case 'tillage':
        return [];
    }
  }

  /** Per-point text properties the standard batches carry, in output order. */
  stringProperties(): string[] {
    return this.recordingKey ? ['recordingStatus'] : [];
  }

  /** Text properties every point carries (constant per operation), in output order. */
  constants(): [string, string][] {
    const result: [string, string][] = [['operationType', this.meta.operationType]];
    if (this.meta.originalOperationType) result.push(['originalOperationType', this.meta.originalOperationType]);
    if (this.crop || this.meta.crop) result.push(['crop', this.crop?.name ?? this.meta.crop!]);
    if (this.meta.varieties.length === 1) result.push(['variety', this.meta.varieties[0]!]);
    return result;
  }

  /**
   * Leaf's per-point `products` of an applied operation: the operation's products, the rate on the
   * one the rate column meters (the only product, or the tank mix the components belong to).
   * Undefined when the file names no product or the operation is not an application.
   */
  pointProducts(): PointProducts | undefined {
    const parts = this.meta.products;
    const rateUnit = this.units.get('appliedRate');
    if (this.meta.operationType !== 'applied' || parts.length === 0 || !rateUnit) return undefined;
    return { parts, metered: meteredProduct(parts), rateKey: 'appliedRate', rateUnit };
  }

  apply(batch: PointBatch): StandardBatch {
    const n = batch.length;
    const out: StandardBatch = { ...emptyBatch(n, this.units.keys(), this.stringProperties()), intervals: new Float64Array(n), working: new Uint8Array(n), switchedOn: new Uint8Array(n) };
    out.length = n;
    out.time.set(batch.time.subarray(0, n));
    out.lon.set(batch.lon.subarray(0, n));
    out.lat.set(batch.lat.subarray(0, n));
    const col = (p: StandardProperty) => out.numbers.get(p);
    const src = (key: string | undefined) => (key === undefined ? undefined : batch.numbers.get(key));

    for (const d of this.direct) {
      const from = batch.numbers.get(d.key);
      const to = col(d.property)!;
      if (from) for (let i = 0; i < n; i++) to[i] = d.toTarget(from[i]!);
    }
    const direct = (property: StandardProperty) => this.direct.find((d) => d.property === property);
    const speedSrc = src(direct('speed')?.key);
    const speedToBase = direct('speed')?.toBase;
    const widthDirect = direct('equipmentWidth');
    const widthSrc = src(widthDirect?.key);
    const workingDirect = direct('workingWidth');
    const workingSrc = src(workingDirect?.key);
    const recordingSrc = src(this.recordingKey);

    const distance = col('distance')!;
    const heading = col('heading')!;
    const area = col('area')!;
    const derivedWorking = workingDirect ? undefined : col('workingWidth');
    const derivedSpeed = this.has.has('speed') ? undefined : col('speed');
    const distanceSrc = src(this.distanceSource?.key);
    const headingSrc = src(this.headingKey);
    const sectionSrc = src(this.sectionKey);
    const areaSrc = src(this.areaSource?.key);
    const areaM2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const lon = batch.lon[i]!;
      const lat = batch.lat[i]!;
      const t = batch.time[i]!;
      const track = this.track(sectionSrc ? sectionSrc[i]! : NaN);
      let dist = 0;
      let head = NaN;
      let dt = NaN;
      if (!Number.isNaN(track.lon)) {
        dist = distanceMeters(track.lon, track.lat, lon, lat);
        head = dist > 0 ? bearingDegrees(track.lon, track.lat, lon, lat) : NaN;
        dt = (t - track.time) / 1000;
      }
      // A gap (machine switched off, moved to another field) covers no area whatever it measures.
      const gap = dt > MAX_GAP_SECONDS || (dt > 0 && dist / dt > MAX_PLAUSIBLE_SPEED);
      out.intervals[i] = dt > 0 && !gap ? dt : 0;
      // The source's own distance and heading, where logged, are what its machine measured: they win.
      const logged = distanceSrc && this.distanceSource ? this.distanceSource.toBase(distanceSrc[i]!) : NaN;
      const fromSource = !Number.isNaN(logged);
      if (fromSource) dist = logged;
      const loggedHeading = headingSrc ? headingSrc[i]! : NaN;
      if (!Number.isNaN(loggedHeading)) head = loggedHeading;
      let speed = speedSrc && speedToBase ? speedToBase(speedSrc[i]!) : dt > 0 ? dist / dt : track.speed;
      if (Number.isNaN(speed)) speed = 0;
      // The width that works: the source's own (sections on), else the implement's unless its work state says off.
      const switchedOff = recordingSrc !== undefined && !Number.isNaN(recordingSrc[i]!) && recordingSrc[i] !== 1;
      const width = widthSrc && widthDirect?.toBase ? widthDirect.toBase(widthSrc[i]!) : NaN;
      const workingWidth = workingSrc && workingDirect?.toBase ? workingDirect.toBase(workingSrc[i]!) : switchedOff ? (Number.isNaN(width) ? NaN : 0) : width;
      if (derivedWorking) derivedWorking[i] = this.out.workingWidth!(workingWidth);
      out.working[i] = (Number.isNaN(workingWidth) ? !switchedOff : workingWidth > 0) ? 1 : 0;
      out.switchedOn[i] = switchedOff ? 0 : 1;
      const loggedArea = areaSrc && this.areaSource ? this.areaSource.toBase(areaSrc[i]!) : NaN;
      // A logged area is the source's own answer (gaps already zeroed); otherwise distance × working width.
      const a = !Number.isNaN(loggedArea) ? loggedArea : (gap && !fromSource) || Number.isNaN(workingWidth) ? 0 : dist * workingWidth;
      areaM2[i] = a;
      distance[i] = this.out.distance!(dist);
      if (Number.isNaN(head)) head = track.heading;
      heading[i] = Number.isNaN(head) ? 0 : head;
      area[i] = this.out.area!(a);
      if (derivedSpeed) derivedSpeed[i] = this.out.speed!(speed);
      // The first point of a track has no previous one: it takes the heading of the segment that follows.
      if (Number.isNaN(track.lon) && Number.isNaN(loggedHeading)) track.headingIndex = { batch, index: i };
      else if (track.headingIndex && !Number.isNaN(head)) {
        if (track.headingIndex.batch === batch) heading[track.headingIndex.index] = head;
        track.headingIndex = undefined;
      }
      track.lon = lon;
      track.lat = lat;
      track.time = t;
      track.speed = speed;
      if (!Number.isNaN(head)) track.heading = head;
    }

    if (recordingSrc) {
      const to = out.strings.get('recordingStatus')!;
      for (let i = 0; i < n; i++) to[i] = Number.isNaN(recordingSrc[i]!) ? null : recordingSrc[i] === 1 ? 'On' : 'Off';
    }
    if (this.meta.operationType === 'harvested') this.harvest(batch, out, areaM2);
    return out;
  }

  private track(section: number): Track {
    let track = this.tracks.get(section);
    if (!track) {
      track = { lon: NaN, lat: NaN, time: NaN, speed: NaN, heading: NaN };
      this.tracks.set(section, track);
    }
    return track;
  }

  private harvest(batch: PointBatch, out: StandardBatch, areaM2: Float64Array): void {
    const n = batch.length;
    // Where a mass flow sensor is logged, the grain of a point is what it measured over the point's
    // interval: the yield monitor's own total is that integral, and the sensor goes on measuring while
    // no ground is worked (header up at the end of a pass, the spout emptying). The mass per area stays
    // as logged. Per-section tracks would count one flow once per section, so they keep rate × area.
    const flow = this.direct.find((d) => d.property === 'cropFlow');
    const flowUnit = flow && this.meta.columns.find((c) => c.key === flow.key)?.unit;
    const flowSrc = flow && flowUnit && !this.sectionKey && unitDef(flowUnit).dimension === 'massPerTime' ? batch.numbers.get(flow.key) : undefined;
    const flowToKgPerS = flowSrc ? converter(flowUnit!, 'kg/s') : undefined;
    // The source's own logging interval, where it says one (Ag Leader), is the time its flow was measured over.
    const logged = this.direct.find((d) => d.property === 'samplingInterval');
    const loggedUnit = logged && this.meta.columns.find((c) => c.key === logged.key)?.unit;
    const intervalSrc = logged && loggedUnit ? batch.numbers.get(logged.key) : undefined;
    const intervalToS = intervalSrc ? converter(loggedUnit!, 's') : undefined;
    const massSrc = this.massPerAreaKey ? batch.numbers.get(this.massPerAreaKey) : undefined;
    const volumeSrc = this.volumePerAreaKey ? batch.numbers.get(this.volumePerAreaKey) : undefined;
    const drySrc = this.dryMassPerAreaKey ? batch.numbers.get(this.dryMassPerAreaKey) : undefined;
    const dryVolumeSrc = this.dryVolumePerAreaKey ? batch.numbers.get(this.dryVolumePerAreaKey) : undefined;
    const moisture = this.direct.find((d) => d.property === 'harvestMoisture');
    const moistureSrc = moisture ? batch.numbers.get(moisture.key) : undefined;
    const toPercent = moisture ? converter(this.meta.columns.find((c) => c.key === moisture.key)!.unit!, BASE.ratio) : undefined;
    const density = this.crop?.density;
    const standardMoisture = this.crop?.standardMoisture;
    // kg/ha of grain ↔ m³/ha through the crop's test weight (lb/bu).
    const m3PerKg = density ? volumeFromMass(1, density) : NaN;
    const o = this.out;
    // Each output column and its conversion are looked up once per batch, not once per point (a Map lookup per value was a tenth of the standardizing).
    const column = (p: StandardProperty): ((i: number, v: number) => void) => {
      const c = out.numbers.get(p);
      if (!c) return () => {};
      const convert = o[p]!;
      return (i, v) => {
        c[i] = convert(v);
      };
    };
    const wetMassPerArea = column('wetMassPerArea');
    const dryMassPerArea = column('dryMassPerArea');
    const wetVolumePerArea = column('wetVolumePerArea');
    const dryVolumePerArea = column('dryVolumePerArea');
    const wetMass = column('wetMass');
    const dryMass = column('dryMass');
    const wetVolume = column('wetVolume');
    const dryVolume = column('dryVolume');
    for (let i = 0; i < n; i++) {
      const ha = areaM2[i]! / 10_000;
      let wetKgHa = massSrc && this.massPerAreaBase ? this.massPerAreaBase(massSrc[i]!) : NaN;
      let wetM3Ha = volumeSrc && this.volumePerAreaBase ? this.volumePerAreaBase(volumeSrc[i]!) : NaN;
      const moist = moistureSrc && toPercent ? toPercent(moistureSrc[i]!) : NaN;
      const loggedDryM3Ha = dryVolumeSrc && this.dryVolumePerAreaBase ? this.dryVolumePerAreaBase(dryVolumeSrc[i]!) : NaN;
      // Only a dry volume logged: the wet volume is the dry one taken back to the moisture measured.
      if (Number.isNaN(wetKgHa) && Number.isNaN(wetM3Ha) && !Number.isNaN(loggedDryM3Ha)) wetM3Ha = wetFromDry(loggedDryM3Ha, moist, standardMoisture);
      if (Number.isNaN(wetKgHa) && !Number.isNaN(wetM3Ha)) wetKgHa = wetM3Ha / m3PerKg;
      if (Number.isNaN(wetM3Ha) && !Number.isNaN(wetKgHa)) wetM3Ha = wetKgHa * m3PerKg;
      const dryKgHa = drySrc && this.dryMassPerAreaBase ? this.dryMassPerAreaBase(drySrc[i]!) : dryFromWet(wetKgHa, moist, standardMoisture);
      const dryM3Ha = Number.isNaN(loggedDryM3Ha) ? dryKgHa * m3PerKg : loggedDryM3Ha;
      wetMassPerArea(i, wetKgHa);
      dryMassPerArea(i, dryKgHa);
      wetVolumePerArea(i, wetM3Ha);
      dryVolumePerArea(i, dryM3Ha);
      const seconds = intervalSrc ? intervalToS!(intervalSrc[i]!) : out.intervals[i]!;
      // A point with no time of its own (a repeated timestamp) keeps its rate × area.
      const flowKg = flowSrc && seconds > 0 ? flowToKgPerS!(flowSrc[i]!) * seconds : NaN;
      if (!Number.isNaN(flowKg)) {
        // The measured mass itself; its dry share from the moisture, its volumes from the crop's test weight.
        wetMass(i, flowKg);
        dryMass(i, dryFromWet(flowKg, moist, standardMoisture));
        wetVolume(i, flowKg * m3PerKg);
        dryVolume(i, Number.isNaN(loggedDryM3Ha) || !(wetKgHa > 0) ? dryFromWet(flowKg, moist, standardMoisture) * m3PerKg : (flowKg * loggedDryM3Ha) / wetKgHa);
        continue;
      }
      wetMass(i, wetKgHa * ha);
      dryMass(i, dryKgHa * ha);
      wetVolume(i, wetM3Ha * ha);
      dryVolume(i, dryM3Ha * ha);
    }
  }
}

/** The property whose unit tells which system an operation's file is logged in: its main rate. */
const MAIN_RATES: readonly StandardProperty[] = ['wetMassPerArea', 'wetVolumePerArea', 'dryVolumePerArea', 'dryMassPerArea', 'appliedRate', 'seedRate', 'tillageDepthActual'];

/**
 * The unit system of a file's own logged values: that of its main rate (a Gen4 harvest logs lb/ac
 * beside kg/s and m), else the system most of its standard columns are in; undefined when none says.
 */
export function fileUnitSystem(meta: OperationMeta): 'imperial' | 'metric' | undefined {
  const systemOf = (c: ColumnSpec) => (c.unit ? unitSystemOf(c.unit) : undefined);
  for (const property of MAIN_RATES) {
    const column = meta.columns.find((c) => c.standard === property);
    const system = column && systemOf(column);
    if (system) return system;
  }
  let imperial = 0;
  let metric = 0;
  for (const c of meta.columns) {
    if (!c.standard) continue;
    const system = systemOf(c);
    if (system === 'imperial') imperial++;
    else if (system === 'metric') metric++;
  }
  return imperial > metric ? 'imperial' : metric > imperial ? 'metric' : undefined;
}
