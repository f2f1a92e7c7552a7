import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { geojson as fgbGeojson } from 'flatgeobuf';
import type { PointBatch } from '../../model/batch.ts';
import { converter } from '../../model/units.ts';
import { localMeters, type LocalProjector } from '../geodesy.ts';
import { RasterFull, SparseBitRaster } from './raster.ts';
import { scanConvex, swathCorners } from './swath.ts';
import { signedArea } from '../rings.ts';
import { summaryOutline } from './summary-outline.ts';
import { traceCoverage } from './trace.ts';

export interface CoverageOptions {
  /** Grid resolution in metres; 0.5 m measured within 0.1–0.5 % of the analytic area (libraries.md §1). */
  cellMeters?: number;
  /** Most 64 × 64-cell tiles (512 bytes each) held at once before the grid coarsens; 2^17 = 64 MiB. */
  maxTiles?: number;
  /** Most cells of the dense grid the polygons are traced on (2 bytes each); 2^24 = 32 MiB. */
  maxTraceCells?: number;
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

export interface CoverageResult {
  /** Union of the swaths in m², overlap counted once (cells of the raster × cell area). */
  coveredArea: number;
  /** Σ distance × width of the points that drew a swath, in m²: overlap counted each time (= the summary's totalArea). */
  sweptArea: number;
  /** Area of the traced polygons in m² (close to coveredArea; differs by the tracing's smoothing/aggregation). */
  polygonArea: number;
  /** Final raster cell size (grows from cellMeters only when the tile budget forced coarsening). */
  cellMeters: number;
  /** Cell size the polygons were traced on. */
  traceCellMeters: number;
  /** Points that drew a swath / were skipped (removed by cleanup, no width, no distance, gap). */
  swathCount: number;
  skippedCount: number;
  polygons: MultiPolygonGeometry | null;
  /** The polygons for the summary's geometry: small gaps filled, specks dropped, simplified (summary-outline.ts). */
  outline: MultiPolygonGeometry | null;
  files: { geojson: string; fgb?: string };
}

const DEFAULT_CELL_METERS = 0.5;
const DEFAULT_MAX_TILES = 1 << 16;
const DEFAULT_MAX_TRACE_CELLS = 1 << 24;
// Puts the first point at an irrational-looking fraction of a cell from the cell corners: passes
// driven at round distances from it would otherwise put whole rows of cell centres exactly on
// swath edges, where floating-point rounding alone decides whether they count.
const GRID_PHASE = 0.381_966;
// 1e-7 degree is about 1 cm: finer than any grid cell.
const COORDINATE_SCALE = 1e7;

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Streams standardized point batches into the area an operation really covered: each point's
 * swath, the rectangle centred on the segment from the previous point of its track (per
 * sectionId where sections are logged) and as wide as the implement (see swath.ts), or the
 * point's own distance back along its heading when it has no usable previous point, is
 * rasterized on a fine sparse grid in a local metric projection around the first point that
 * draws; the union counts every covered cell once, and the polygons are traced from the raster
 * at the end. Polygon union of the swaths themselves is exact but takes seconds per ten
 * thousand rectangles (libraries.md §1), hopeless for millions of points.
 *
 * Only points whose standardized `area` is positive draw a swath, so coveredArea ≤ sweptArea =
 * the summary's totalArea up to the grid's resolution: points the cleanup removed, gaps (which
 * the standardizer gives no area) and points without a width draw nothing.
 */
export class CoverageBuilder {
  private cell: number;
  private readonly anchor: number;
  private readonly maxTraceCells: number;
  private raster: SparseBitRaster;
  private projector: LocalProjector | null = null;
  private readonly toMeters: { width?: (v: number) => number; distance?: (v: number) => number; area?: (v: number) => number };
  /** The width column the swaths take: the working width where the operation has one. */
  private readonly widthKey: string;
  private readonly corners = new Float64Array(8);
  /** Last position of each track (by sectionId; NaN = no section column), kept or removed. */
  private readonly tracks = new Map<number, { lon: number; lat: number }>();
  // Made once, not per swath (under tsx every closure made also calls a name-setting helper).
  // Reads this.raster when called, so it follows the grid through coarsening.
  private readonly markRun = (lo: number, hi: number, iy: number): void => this.raster.markRun(lo, hi, iy);
  private swept = 0;
  private swaths = 0;
  private skipped = 0;

  constructor(
    private readonly units: ReadonlyMap<string, string>,
    options: CoverageOptions = {},
  ) {
    const cellMeters = options.cellMeters ?? DEFAULT_CELL_METERS;
    if (!(Number.isFinite(cellMeters) && cellMeters > 0)) throw new RangeError(`cellMeters must be a positive number of metres, got ${cellMeters}`);
    this.cell = cellMeters;
    this.anchor = cellMeters * GRID_PHASE;
    this.maxTraceCells = options.maxTraceCells ?? DEFAULT_MAX_TRACE_CELLS;
    this.raster = new SparseBitRaster(options.maxTiles ?? DEFAULT_MAX_TILES);
    const length = (property: string) => {
      const code = units.get(property);
      return code === undefined ? undefined : converter(code, 'm');
    };
    const areaUnit = units.get('area');
    // The swath is the width that works (sections on), where known, not the implement's whole width.
    this.widthKey = units.has('workingWidth') ? 'workingWidth' : 'equipmentWidth';
    this.toMeters = { width: length(this.widthKey), distance: length('distance'), area: areaUnit === undefined ? undefined : converter(areaUnit, 'm2') };
  }

  /**
   * Adds the points of a standardized batch whose cleanup reason is null (all points when
   * `removed` is omitted). Removed points draw nothing but still move their track on, as they
   * did when the standardizer measured the next point's distance from them.
   */
  add(batch: PointBatch, removed?: readonly (string | null)[]): void {
    const width = batch.numbers.get(this.widthKey);
    const distance = batch.numbers.get('distance');
    const heading = batch.numbers.get('heading');
    const area = batch.numbers.get('area');
    const section = batch.numbers.get('sectionId');
    const { width: widthM, distance: distanceM, area: areaM2 } = this.toMeters;
    if (!width || !distance || !heading || !widthM || !distanceM) {
      // Without a width or a distance nothing can be swept: every point is skipped.
      this.skipped += removed ? removed.filter((r) => r === null).length : batch.length;
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const lon = batch.lon[i];
      const lat = batch.lat[i];
      const valid = Number.isFinite(lon) && Number.isFinite(lat);
      const track = this.track(section ? section[i] : NaN);
      const previousLon = track.lon;
      const previousLat = track.lat;
      if (valid) {
        track.lon = lon;
        track.lat = lat;
      }
      if (removed && removed[i] !== null) continue;
      const w = widthM(width[i]);
      const d = distanceM(distance[i]);
      // The standardizer gives gaps (machine off, moved) no area although they have a distance.
      const a = area && areaM2 ? areaM2(area[i]) : w * d;
      if (!(valid && w > 0 && d > 0 && a > 0)) {
        this.skipped++;
        continue;
      }
      // The projection is centred on the first point that draws, not on a stray first fix.
      this.projector ??= localMeters(lon, lat);
      const [east, north] = this.projector.toXY(lon, lat);
      const x = east + this.anchor;
      const y = north + this.anchor;
      let length = d;
      let h = heading[i];
      if (!Number.isNaN(previousLon)) {
        const [px, py] = this.projector.toXY(previousLon, previousLat);
        const dx = x - (px + this.anchor);
        const dy = y - (py + this.anchor);
        const segment = Math.hypot(dx, dy);
        // The segment from the previous point is the swath, unless a source-logged distance
        // disagrees with it (a GPS jump the machine did not drive): then the machine's own
        // distance and heading win, as they do in the standardizer.
        if (segment > 0 && segment <= 2 * d + 1) {
          length = segment;
          h = (Math.atan2(dx, dy) * 180) / Math.PI;
        }
      }
      if (!Number.isFinite(h)) {
        this.skipped++;
        continue;
      }
      swathCorners(x, y, h, length, w, this.corners);
      this.mark();
      this.swept += a;
      this.swaths++;
    }
  }

  private track(section: number): { lon: number; lat: number } {
    let track = this.tracks.get(section);
    if (track === undefined) {
      track = { lon: NaN, lat: NaN };
      this.tracks.set(section, track);
    }
    return track;
  }

  /** Covered area so far in m² (each covered cell once). */
  coveredArea(): number {
    return this.raster.count() * this.cell * this.cell;
  }

  /** Traces the polygons and writes `coverage.geojson` and `coverage.fgb` into outDir. */
  async finish(outDir: string): Promise<CoverageResult> {
    const coveredArea = this.coveredArea();
    const projector = this.projector;
    const cell = this.cell;
    const anchor = this.anchor;
    const traced = projector === null ? null : traceCoverage(this.raster, cell, (ix, iy) => [ix * cell - anchor, iy * cell - anchor], this.maxTraceCells);
    let polygonArea = 0;
    let polygons: MultiPolygonGeometry | null = null;
    let outline: MultiPolygonGeometry | null = null;
    if (traced !== null && projector !== null) {
      for (const polygon of traced.polygons) for (const ring of polygon) polygonArea += signedArea(ring.slice(0, -1)) / 2;
      const toLonLat = (p: number[]): number[] => {
        const [lon, lat] = projector.toLonLat(p[0], p[1]);
        return [Math.round(lon * COORDINATE_SCALE) / COORDINATE_SCALE, Math.round(lat * COORDINATE_SCALE) / COORDINATE_SCALE];
      };
      polygons = { type: 'MultiPolygon', coordinates: traced.polygons.map((polygon) => polygon.map((ring) => ring.map(toLonLat))) };
      outline = { type: 'MultiPolygon', coordinates: summaryOutline(traced.polygons).map((polygon) => polygon.map((ring) => ring.map(toLonLat))) };
    }
    const traceCellMeters = traced?.cellMeters ?? cell;

    // Flat scalar properties: GIS tools (and the shapefile/FlatGeobuf exports) want columns, not objects.
    const areaUnit = this.units.get('area') ?? 'm2';
    const fromM2 = converter('m2', areaUnit);
    const properties = {
      coveredArea: round(fromM2(coveredArea), 6),
      sweptArea: round(fromM2(this.swept), 6),
      overlapArea: round(fromM2(Math.max(0, this.swept - coveredArea)), 6),
      areaUnit,
      coveredAreaM2: round(coveredArea, 3),
      sweptAreaM2: round(this.swept, 3),
      cellMeters: cell,
      traceCellMeters,
      swathCount: this.swaths,
    };
    const feature = { type: 'Feature' as const, properties, geometry: polygons };
    const collection = { type: 'FeatureCollection' as const, features: [feature] };
    const files: CoverageResult['files'] = { geojson: join(outDir, 'coverage.geojson') };
    await writeFile(files.geojson, JSON.stringify(collection) + '\n');
    if (polygons !== null && polygons.coordinates.length > 0) {
      files.fgb = join(outDir, 'coverage.fgb');
      // One feature: the library's in-memory serializer is fine here (EPSG:4326 recorded in the header).
      await writeFile(files.fgb, fgbGeojson.serialize(collection as Parameters<typeof fgbGeojson.serialize>[0], 4326));
    }
    return {
      coveredArea,
      sweptArea: this.swept,
      polygonArea,
      cellMeters: cell,
      traceCellMeters,
      swathCount: this.swaths,
      skippedCount: this.skipped,
      polygons,
      outline,
      files,
    };
  }

  /** Rasterizes the swath in `corners` (metres), coarsening the grid until it fits the tile budget. */
  private mark(): void {
    for (;;) {
      try {
        scanConvex(this.corners, this.cell, this.markRun);
        return;
      } catch (error) {
        if (!(error instanceof RasterFull)) throw error;
        // A partly marked swath is harmless: its cells are marked again on the coarse grid.
        this.raster = this.raster.coarsened();
        this.cell *= 2;
      }
    }
  }
}
