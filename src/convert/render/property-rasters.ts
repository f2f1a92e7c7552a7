import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { encode } from 'fast-png';
import yazl from 'yazl';
import type { PointBatch } from '../../model/batch.ts';
import type { StandardProperty } from '../../model/properties.ts';
import { PROPERTIES } from '../../model/properties.ts';
import { converter, isUnit, unit } from '../../model/units.ts';
import { cellSize, pamXml, projector, unproject, type Projection } from './grid.ts';
import { SparseMeanRaster, TILE_BYTES_PER_LAYER } from './mean-raster.ts';
import { compileRamp, LEAF_DEFAULT_RAMP, paint, type ColorRamp, type CompiledRamp, type Rgba } from './ramp.ts';

/**
 * Numeric standard properties that get no map, and why. Leaf draws every numeric property
 * (§6 lists heading and sectionId too); a cell's colour here is the mean of its points, and these
 * have no meaningful mean.
 */
export const NOT_MAPPED: ReadonlyMap<StandardProperty, string> = new Map<StandardProperty, string>([
  ['heading', 'a direction: the mean of 359° and 1° is not 180°'],
  ['sectionId', 'an identifier, not a measure'],
  ['productIndex', 'an identifier, not a measure'],
]);

export interface RenderOptions {
  /** Grid of the images: EPSG:4326 (lon/lat degrees, the default) or EPSG:3857 (web mercator metres). */
  projection?: Projection;
  /** Leaf colour ramp (§6); Leaf's default when absent. */
  ramp?: ColorRamp;
  /** Cells on the image's long side, at most; the cells grow (doubling) to fit. Default 2048. */
  maxPixels?: number;
  /**
   * Pixels on the image's long side, at least: each cell is drawn as a square block of whole
   * pixels, as many as it takes (a planter's 7 × 7 cells become 518 × 518 px). Default 512.
   */
  minPixels?: number;
  /** The layer the points come from, stated in each legend: `filtered` (the yield-cleaning filters' survivors) or `standard` (Leaf's cleanup only, the default). */
  layer?: ImageLayer;
  /** Cell side on the ground in metres; by default one swath (the first `equipmentWidth`), clamped. */
  cellMeters?: number;
  /** Memory the accumulation may take; beyond it the cells grow (doubling). Default 48 MiB: with the coverage raster, the writers and the point batches, a conversion stays near 512 MB. */
  memoryBytes?: number;
}

/** Which points an image was drawn from (README, "Command line": the output layers). */
export type ImageLayer = 'standard' | 'filtered';

export interface LegendBreak {
  /** Position in the value range, 0..100 (the ramp key without its `%`). */
  percent: number;
  value: number;
  color: Rgba;
}

/** What a colour means: a Furrow extra beside Leaf's entry, for a map legend or a report. */
export interface ImageLegend {
  unit: string;
  /** The points drawn: those of this output layer. */
  layer: ImageLayer;
  /** Bounds of the values drawn, the smallest and largest value of the points of `layer` in the image: the ramp's 0 % and 100 %. */
  min: number;
  max: number;
  /** The smallest and largest cell mean (a cell's colour): within min..max. */
  cellMin: number;
  cellMax: number;
  /** The ramp's stops as values: colours between two breaks are interpolated linearly. */
  breaks: LegendBreak[];
  noDataColor: Rgba;
  /** Cells with data and the points drawn in them. */
  cells: number;
  points: number;
}

/** One image of `images.json`: Leaf's `{property, ramp, url}` (§6) and Furrow's extras. */
export interface ImageEntry {
  property: StandardProperty;
  ramp: ColorRamp;
  /** The PNG, relative to the operation's folder (the API turns it into a URL). */
  url: string;
  /** Its GDAL PAM sidecar (georeference), relative to the operation's folder. */
  auxUrl: string;
  projection: Projection;
  /** PNG size in pixels. */
  width: number;
  height: number;
  /** Pixels on a side of one cell's block: the cells are `width / pixelsPerCell` × `height / pixelsPerCell`. */
  pixelsPerCell: number;
  /** GDAL GeoTransform [x0, dx, 0, y0, 0, -dy] of the PNG's pixels, in the projection's units. */
  geoTransform: [number, number, number, number, number, number];
  /** [west, south, east, north] of the image in WGS84 degrees. */
  bounds: [number, number, number, number];
  /** Cell side on the ground, metres (at the first point's latitude). */
  cellMeters: number;
  legend: ImageLegend;
}

export interface ImagesResult {
  images: ImageEntry[];
  /** The properties left without an image, with the reason. */
  skipped: { property: StandardProperty; reason: string }[];
  /** `images.zip` (every PNG and sidecar), relative to the operation's folder; null without images. */
  zip: string | null;
}

/** Names of the files `finish` writes into the operation's folder. */
export const IMAGE_FILES = { folder: 'images', list: 'images.json', zip: 'images.zip' } as const;

const DEFAULT_CELL_METERS = 10;
// A cell narrower than a metre draws GPS noise; wider than 50 m (wider than any boom) hides the field.
const MIN_CELL_METERS = 1;
const MAX_CELL_METERS = 50;
const DEFAULT_MAX_PIXELS = 2048;
// Half a screen: a field map a person can read without zooming a thumbnail.
const DEFAULT_MIN_PIXELS = 512;
const DEFAULT_MEMORY = 48 * 1024 * 1024;

interface Grid {
  x0: number;
  y0: number;
  /** Base cell size in projection units (before any coarsening). */
  dx: number;
  dy: number;
  meters: number;
}

/**
 * Streaming accumulator for the property maps of one operation (steps `propertiesPNGs` and
 * `zippedPNGs`): fed standardized points with a verdict each (null = kept: feed it the filter
 * pass's verdicts so that the outliers the filters removed do not squash the ramp; `layer` says
 * which the legend names), it keeps per-cell sums
 * and counts in a sparse, bounded raster and at the end writes one PNG per numeric property
 * (cell = mean of its kept points, coloured by the ramp, transparent where nothing was kept),
 * each with a `.png.aux.xml` georeference, `images.json` and `images.zip`.
 *
 * Choices: the grid's origin is the first drawn point and its cell one swath wide on the ground
 * (the first positive `equipmentWidth`, clamped to 1..50 m, 10 m when the width is unknown), so
 * that each pass fills about one column; cells are square in metres at that latitude (in
 * EPSG:4326 their degree width and height differ). The ramp spans the smallest to the largest
 * value drawn of each property (cells are coloured by their mean, within those bounds). Every image of an operation shares one grid, so they overlay. The
 * long side stays ≤ `maxPixels` cells: cells double when the points spread further (or the memory
 * budget is reached), so a coarsened image is between half and all of that size. Each cell is then
 * drawn as a block of k × k pixels, k the smallest whole number that makes the long side at least
 * `minPixels` (512): a swath-wide cell is a few pixels on screen, not one.
 */
export class PropertyRasters {
  private readonly layers: { property: StandardProperty; unit: string }[] = [];
  private readonly skipped: { property: StandardProperty; reason: string }[] = [];
  private readonly projection: Projection;
  private readonly project: ReturnType<typeof projector>;
  private readonly ramp: CompiledRamp;
  private readonly rampSource: ColorRamp;
  private readonly raster: SparseMeanRaster | null;
  private readonly widthToMeters: ((v: number) => number) | undefined;
  private grid: Grid | null = null;
  private readonly xy = new Float64Array(2);
  private readonly options: RenderOptions;
  private readonly layer: ImageLayer;
  /** Per layer, the smallest and largest value put into the raster. */
  private readonly valueMin: Float64Array;
  private readonly valueMax: Float64Array;

  /** @param units unit of every numeric standard property the operation has (the Standardizer's `units`) */
  constructor(units: ReadonlyMap<StandardProperty, string>, options: RenderOptions = {}) {
    this.options = options;
    this.layer = options.layer ?? 'standard';
    this.projection = options.projection ?? 'EPSG:4326';
    this.project = projector(this.projection);
    this.rampSource = options.ramp ?? LEAF_DEFAULT_RAMP;
    this.ramp = compileRamp(this.rampSource);
    for (const [property, code] of units) {
      if (PROPERTIES.get(property)?.kind !== 'number') continue;
      const reason = NOT_MAPPED.get(property);
      if (reason) this.skipped.push({ property, reason });
      else this.layers.push({ property, unit: code });
    }
    const width = units.get('equipmentWidth');
    this.widthToMeters = width !== undefined && isUnit(width) && unit(width).dimension === 'length' ? converter(width, 'm') : undefined;
    const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    const maxTiles = Math.max(4, Math.floor((options.memoryBytes ?? DEFAULT_MEMORY) / (Math.max(1, this.layers.length) * TILE_BYTES_PER_LAYER)));
    this.raster = this.layers.length > 0 ? new SparseMeanRaster(this.layers.length, maxPixels, maxTiles) : null;
    this.valueMin = new Float64Array(this.layers.length).fill(Infinity);
    this.valueMax = new Float64Array(this.layers.length).fill(-Infinity);
  }

  /**
   * Adds the kept points (`keep[i] === null`) at indices `from` until `to` of a standardized batch:
   * the whole batch by default, or a run of slots of a ring buffer (the filter pass's window).
   */
  add(batch: PointBatch, keep: readonly (string | null)[], from = 0, to = batch.length): void {
    const raster = this.raster;
    if (!raster) return;
    const columns = this.layers.map((l) => batch.numbers.get(l.property));
    const { lon, lat } = batch;
    const xy = this.xy;
    const { valueMin, valueMax } = this;
    for (let i = from; i < to; i++) {
      if (keep[i] !== null) continue;
      const x = lon[i]!;
      const y = lat[i]!;
      // (0, 0) is a receiver that has no fix yet, not a field in the Gulf of Guinea; one such point
      // would stretch the image across half the globe.
      if (!Number.isFinite(x) || !Number.isFinite(y) || (x === 0 && y === 0) || Math.abs(y) > 90) continue;
      const grid = this.grid ?? this.startGrid(batch, keep, i, to);
      this.project(x, y, xy);
      const bx = Math.floor((xy[0]! - grid.x0) / grid.dx);
      const by = Math.floor((xy[1]! - grid.y0) / grid.dy);
      let located = false;
      for (let l = 0; l < columns.length; l++) {
        const v = columns[l]?.[i];
        if (v === undefined || !Number.isFinite(v)) continue;
        // A point without any value does not stretch the image.
        if (!located) {
          raster.locate(bx, by);
          located = true;
        }
        raster.put(l, v);
        if (v < valueMin[l]!) valueMin[l] = v;
        if (v > valueMax[l]!) valueMax[l] = v;
      }
    }
  }

  /** Fixes the grid at the first drawn point: its position is the origin, its swath the cell size. */
  private startGrid(batch: PointBatch, keep: readonly (string | null)[], first: number, end: number): Grid {
    let meters = this.options.cellMeters;
    if (meters === undefined) {
      const widths = batch.numbers.get('equipmentWidth');
      if (widths && this.widthToMeters) {
        for (let i = first; i < end; i++) {
          const w = widths[i]!;
          if (keep[i] === null && w > 0) {
            meters = this.widthToMeters(w);
            break;
          }
        }
      }
      meters = Math.min(MAX_CELL_METERS, Math.max(MIN_CELL_METERS, meters ?? DEFAULT_CELL_METERS));
    }
    if (!(meters > 0)) throw new Error(`cell size must be positive, got ${meters} m`);
    this.project(batch.lon[first]!, batch.lat[first]!, this.xy);
    const { dx, dy } = cellSize(this.projection, meters, batch.lat[first]!);
    this.grid = { x0: this.xy[0]!, y0: this.xy[1]!, dx, dy, meters };
    return this.grid;
  }

  /** Writes the images, their sidecars, `images.json` and `images.zip` into `outDir`. */
  async finish(outDir: string): Promise<ImagesResult> {
    const images: ImageEntry[] = [];
    const skipped = [...this.skipped];
    const extent = this.raster?.extent;
    const grid = this.grid;
    const paths: { file: string; name: string }[] = [];
    if (this.raster && extent && grid) {
      await mkdir(join(outDir, IMAGE_FILES.folder), { recursive: true });
      const scale = this.raster.scale;
      const columns = extent.maxIx - extent.minIx + 1;
      const rows = extent.maxIy - extent.minIy + 1;
      // Whole pixels per cell: pixel edges stay on cell edges, so the georeference is exact at any size.
      const k = Math.max(1, Math.ceil((this.options.minPixels ?? DEFAULT_MIN_PIXELS) / Math.max(columns, rows)));
      const cellDx = grid.dx * scale;
      const cellDy = grid.dy * scale;
      const dx = cellDx / k;
      const dy = cellDy / k;
      const width = columns * k;
      const height = rows * k;
      const left = grid.x0 + extent.minIx * cellDx;
      const top = grid.y0 + (extent.maxIy + 1) * cellDy;
      const [west, north] = unproject(this.projection, left, top);
      const [east, south] = unproject(this.projection, left + columns * cellDx, top - rows * cellDy);
      for (let l = 0; l < this.layers.length; l++) {
        const { property, unit: code } = this.layers[l]!;
        const drawn = this.draw(l, columns, rows, extent.minIx, extent.maxIy);
        if (!drawn) {
          skipped.push({ property, reason: 'no kept point has a value' });
          continue;
        }
        const name = `${property}.png`;
        const url = `${IMAGE_FILES.folder}/${name}`;
        await writeFile(join(outDir, url), encode({ width, height, data: enlarge(drawn.rgba, columns, rows, k), depth: 8, channels: 4 }));
        await writeFile(join(outDir, `${url}.aux.xml`), pamXml(this.projection, left, top, dx, dy));
        paths.push({ file: join(outDir, url), name }, { file: join(outDir, `${url}.aux.xml`), name: `${name}.aux.xml` });
        images.push({
          property,
          ramp: this.rampSource,
          url,
          auxUrl: `${url}.aux.xml`,
          projection: this.projection,
          width,
          height,
          pixelsPerCell: k,
          geoTransform: [left, dx, 0, top, 0, -dy],
          bounds: [west, south, east, north],
          cellMeters: grid.meters * scale,
          legend: {
            unit: code,
            layer: this.layer,
            min: drawn.min,
            max: drawn.max,
            cellMin: drawn.cellMin,
            cellMax: drawn.cellMax,
            breaks: this.ramp.stops.map((s) => ({ percent: s.at * 100, value: drawn.min + s.at * (drawn.max - drawn.min), color: [...s.color] })),
            noDataColor: [...this.ramp.noData],
            cells: drawn.cells,
            points: drawn.points,
          },
        });
      }
    } else {
      for (const { property } of this.layers) skipped.push({ property, reason: 'no kept point has a value' });
    }
    await writeFile(join(outDir, IMAGE_FILES.list), JSON.stringify(images, null, 2) + '\n');
    if (images.length === 0) return { images, skipped, zip: null };
    const zip = new yazl.ZipFile();
    // PNGs are already deflated: storing them saves time and loses nothing.
    for (const p of paths) zip.addFile(p.file, p.name, { compress: p.name.endsWith('.xml') });
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(join(outDir, IMAGE_FILES.zip)));
    return { images, skipped, zip: IMAGE_FILES.zip };
  }

  /**
   * Colours one layer, a pixel per cell: the ramp's 0 % at the smallest value drawn, 100 % at the
   * largest (Leaf's definition of the ramp over the values of the points drawn, so a legend reads
   * as the layer's own min and max), each cell in the colour of its mean.
   */
  private draw(layer: number, width: number, height: number, minIx: number, maxIy: number): { rgba: Uint8Array; min: number; max: number; cellMin: number; cellMax: number; cells: number; points: number } | null {
    const raster = this.raster!;
    let cellMin = Infinity;
    let cellMax = -Infinity;
    let cells = 0;
    let points = 0;
    raster.forEachMean(layer, (_ix, _iy, mean, count) => {
      if (mean < cellMin) cellMin = mean;
      if (mean > cellMax) cellMax = mean;
      cells++;
      points += count;
    });
    if (cells === 0) return null;
    // A mean lies between the values it averages; the clamp keeps float rounding of a sum inside the ramp.
    const min = Math.min(this.valueMin[layer]!, cellMin);
    const max = Math.max(this.valueMax[layer]!, cellMax);
    const rgba = new Uint8Array(width * height * 4);
    const nv = this.ramp.noData;
    if (nv.some((c) => c !== 0)) for (let p = 0; p < rgba.length; p += 4) rgba.set(nv, p);
    const range = max - min;
    raster.forEachMean(layer, (ix, iy, mean) => {
      // A constant property says nothing about high or low: it is drawn in the ramp's middle colour.
      const t = range > 0 ? (mean - min) / range : 0.5;
      paint(this.ramp, t, rgba, ((maxIy - iy) * width + (ix - minIx)) * 4);
    });
    return { rgba, min, max, cellMin, cellMax, cells, points };
  }
}

/** Draws each cell of a `columns` × `rows` RGBA image as a k × k block of pixels. */
function enlarge(cells: Uint8Array, columns: number, rows: number, k: number): Uint8Array {
  if (k === 1) return cells;
  const rowBytes = columns * k * 4;
  const out = new Uint8Array(rowBytes * rows * k);
  for (let r = 0; r < rows; r++) {
    const first = r * k * rowBytes;
    for (let c = 0; c < columns; c++) {
      const src = (r * columns + c) * 4;
      for (let p = 0; p < k; p++) out.set(cells.subarray(src, src + 4), first + (c * k + p) * 4);
    }
    // The block's other pixel rows repeat its first.
    for (let p = 1; p < k; p++) out.copyWithin(first + p * rowBytes, first, first + rowBytes);
  }
  return out;
}
