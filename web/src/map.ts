/**
 * The file page's map: MapLibre GL JS with no basemap unless the server names one (FURROW_BASEMAP_URL),
 * the decimated points of GET /files/{id}/map-points coloured with Leaf's ramp, the coverage polygons
 * and the summary's outline.
 */
import type { FeatureCollection, Geometry, Point } from 'geojson';
import * as maplibregl from 'maplibre-gl';
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { compileRamp, LEAF_DEFAULT_RAMP } from '../../src/convert/render/ramp.ts';
import { formatNumber, h } from './dom.ts';

const RAMP = compileRamp(LEAF_DEFAULT_RAMP);

// The worker is served beside the bundle (src/api/web.ts), not inlined as a blob.
maplibregl.setWorkerUrl('/web/maplibre-gl-worker.mjs');

export interface PointLayer extends FeatureCollection<Point> {
  furrow?: { layer: string; property: string | null; total: number; kept: number; step: number; min: number | null; max: number | null };
}

function blankStyle(basemapUrl: string | null): StyleSpecification {
  const style: StyleSpecification = { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } }] };
  if (basemapUrl) {
    style.sources.basemap = { type: 'raster', tiles: [basemapUrl], tileSize: 256 };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  return style;
}

function css([r, g, b, a]: readonly number[]): string {
  return `rgba(${r}, ${g}, ${b}, ${(a ?? 255) / 255})`;
}

/** Leaf's ramp as a MapLibre expression over `property`, its stops placed at min + at × (max − min). */
export function rampExpression(property: string, min: number, max: number): ExpressionSpecification | string {
  if (!(max > min)) return css(RAMP.stops[RAMP.stops.length - 1]!.color);
  const stops = RAMP.stops.flatMap((s) => [min + s.at * (max - min), css(s.color)]);
  return ['interpolate', ['linear'], ['to-number', ['get', property]], ...stops] as unknown as ExpressionSpecification;
}

/** The legend: a gradient bar of the ramp's stops with the bounds of the values drawn. */
export function rampLegend(title: string, min: number | null, max: number | null, unit: string): HTMLElement {
  const gradient = RAMP.stops.map((s) => `${css(s.color)} ${s.at * 100}%`).join(', ');
  return h(
    'figure',
    { class: 'legend' },
    h('figcaption', {}, `${title}${unit ? ` (${unit})` : ''}`),
    h('div', { class: 'legend-bar', style: `background: linear-gradient(to right, ${gradient})`, role: 'img', 'aria-label': `colour ramp from red (low) to green (high)` }),
    h('div', { class: 'legend-bounds' }, h('span', {}, min === null ? '—' : formatNumber(min)), h('span', {}, max === null ? '—' : formatNumber(max))),
  );
}

function extend(bounds: maplibregl.LngLatBounds, geometry: Geometry | null | undefined): void {
  if (!geometry) return;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') bounds.extend([c[0], c[1]]);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g: Geometry) => extend(bounds, g));
  else walk(geometry.coordinates);
}

export interface FileMap {
  map: maplibregl.Map;
  /** Resolves once the first full render with the points is done (the browser tests wait on it). */
  ready: Promise<void>;
  showPoints(points: PointLayer, property: string): void;
}

export function createFileMap(container: HTMLElement, basemapUrl: string | null, outline: Geometry | null, coverage: FeatureCollection | null): FileMap {
  const map = new maplibregl.Map({
    container,
    style: blankStyle(basemapUrl),
    center: [0, 0],
    zoom: 1,
    attributionControl: false,
    // The browser tests read the canvas's pixels back.
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));

  let pending: { points: PointLayer; property: string } | null = null;
  let styleReady = false;
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));

  void loaded.then(() => {
    if (coverage) {
      map.addSource('coverage', { type: 'geojson', data: coverage });
      map.addLayer({ id: 'coverage', type: 'fill', source: 'coverage', paint: { 'fill-color': '#5b7fa3', 'fill-opacity': 0.18 } });
    }
    if (outline) {
      map.addSource('outline', { type: 'geojson', data: { type: 'Feature', geometry: outline, properties: {} } });
      map.addLayer({ id: 'outline', type: 'line', source: 'outline', paint: { 'line-color': '#222', 'line-width': 1.5 } });
    }
    styleReady = true;
    if (pending) draw(pending.points, pending.property);
  });

  const draw = (points: PointLayer, property: string) => {
    const min = points.furrow?.min ?? null;
    const max = points.furrow?.max ?? null;
    const color = min === null || max === null ? '#666' : rampExpression(property, min, max);
    const source = map.getSource('points') as maplibregl.GeoJSONSource | undefined;
    if (source) source.setData(points);
    else {
      map.addSource('points', { type: 'geojson', data: points });
      map.addLayer({ id: 'points', type: 'circle', source: 'points', paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 1, 16, 2, 20, 6], 'circle-color': color } });
    }
    map.setPaintProperty('points', 'circle-color', color);
    const bounds = new maplibregl.LngLatBounds();
    for (const f of points.features) extend(bounds, f.geometry);
    extend(bounds, outline);
    if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 24, animate: false });
    map.once('idle', () => resolveReady());
  };

  return {
    map,
    ready,
    showPoints(points, property) {
      // map.loaded() also waits for tiles and renders: the style's load is what adding sources needs.
      if (styleReady) draw(points, property);
      else pending = { points, property };
    },
  };
}
