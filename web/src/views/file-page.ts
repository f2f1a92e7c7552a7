/**
 * One file: the map, the summary (with the reconciliation against the machine's own counters), units,
 * status steps, the images with their legends, and every download.
 */
import type { FeatureCollection, Geometry } from 'geojson';
import { describeError, downloadWithToken, fileImages, fileSteps, fileUnits, geojson, getFile, type FileEntry, type ImageInfo } from '../api.ts';
import { badge, field, formatNumber, formatTime, h, replace } from '../dom.ts';
import { createFileMap, rampLegend, type PointLayer } from '../map.ts';

const FILES = '/services/operations/api/files';

/** Readable names of the entry's links (Leaf's names, in the order a person wants them). */
const LINKS: [key: keyof FileEntry, name: string][] = [
  ['standardGeojson', 'standard GeoJSON'],
  ['filteredGeojson', 'filtered GeoJSON'],
  ['standardGeoparquet', 'standard GeoParquet'],
  ['filteredGeoparquet', 'filtered GeoParquet'],
  ['normalizedGeojson', 'normalized GeoJSON'],
  ['rawGeojson', 'raw GeoJSON'],
  ['zippedPNGs', 'zipped PNGs'],
  ['originalFile', 'original file'],
];

/** Furrow's extra downloads (bearer only, no signed link). */
const EXTRAS: [what: string, name: string, fileName: string][] = [
  ['summary', 'summary (GeoJSON Feature)', 'summary.json'],
  ['annotatedGeojson', 'annotated GeoJSON (every point with the filter that removed it)', 'annotated.geojson'],
  ['coverageGeojson', 'coverage GeoJSON', 'coverage.geojson'],
  ['coverageFlatGeobuf', 'coverage FlatGeobuf', 'coverage.fgb'],
];

/** What a map of each operation type is first coloured by: its yield, rate or depth. */
const MAIN_PROPERTIES = ['dryVolumePerArea', 'wetVolumePerArea', 'dryMassPerArea', 'wetMassPerArea', 'seedRate', 'appliedRate', 'tillageDepthActual'];

/** Properties every operation carries (machine and position); the others are what the operation is about. */
const MACHINE_PROPERTIES = new Set(['area', 'distance', 'heading', 'elevation', 'equipmentWidth', 'workingWidth', 'speed', 'sectionId', 'xOffset', 'yOffset', 'implementOffset', 'fuelUsed', 'samplingInterval']);

interface Legend {
  unit?: string;
  layer?: string;
  min: number;
  max: number;
}

function legendOf(image: ImageInfo): Legend | null {
  const legend = image.legend as Legend | undefined;
  return legend && typeof legend.min === 'number' && typeof legend.max === 'number' ? legend : null;
}

/** Agronomic (operation-specific) varying images first, then machine ones; constant images apart. */
export function orderImages(images: ImageInfo[]): { varying: ImageInfo[]; constant: ImageInfo[] } {
  const isConstant = (i: ImageInfo) => {
    const l = legendOf(i);
    return l !== null && !(l.max > l.min);
  };
  const rank = (i: ImageInfo) => (MACHINE_PROPERTIES.has(i.property) ? 1 : 0);
  const varying = images.filter((i) => !isConstant(i)).sort((a, b) => rank(a) - rank(b));
  return { varying, constant: images.filter(isConstant) };
}

function imageFigure(image: ImageInfo, fileName: string): HTMLElement {
  const legend = legendOf(image);
  const title = `${image.property}${legend?.layer ? `, ${legend.layer} points` : ''}`;
  return h(
    'figure',
    { class: 'image', 'data-property': image.property },
    h('img', { src: image.url, alt: `Map image of ${image.property} of ${fileName}`, loading: 'lazy' }),
    legend ? rampLegend(title, legend.min, legend.max, legend.unit ?? '') : h('figcaption', {}, title),
  );
}

function summaryTable(properties: Record<string, unknown>): HTMLElement {
  const rows: HTMLElement[] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'reconciliation') continue;
    let text: string | HTMLElement;
    if (value && typeof value === 'object' && 'value' in value) {
      const v = value as { value: number; unit?: string };
      text = `${formatNumber(v.value)} ${v.unit ?? ''}`;
    } else if (value && typeof value === 'object' && 'avg' in value) {
      const v = value as { avg: number; min: number; max: number; unit?: string };
      text = `avg ${formatNumber(v.avg)}, min ${formatNumber(v.min)}, max ${formatNumber(v.max)} ${v.unit ?? ''}`;
    } else if (typeof value === 'number') text = formatNumber(value);
    else if (typeof value === 'string') text = /^\d{4}-\d\d-\d\dT/.test(value) ? formatTime(value) : value;
    // Nested blocks (varieties, filters, the source's own data) stay readable but folded.
    else text = h('details', {}, h('summary', {}, Array.isArray(value) ? `${value.length} entries` : 'details'), h('pre', {}, JSON.stringify(value, null, 2)));
    rows.push(h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, text)));
  }
  return h('table', { class: 'kv' }, h('tbody', {}, rows));
}

interface Figure {
  value: number;
  unit: string;
}
interface ReconciliationRow {
  quantity: string;
  source?: string;
  machine: Figure;
  furrow: Figure | null;
  differencePercent: number | null;
}

function reconciliationTable(rows: ReconciliationRow[]): HTMLElement {
  const figure = (f: Figure | null) => (f ? `${formatNumber(f.value)} ${f.unit}` : '—');
  return h(
    'section',
    { 'aria-labelledby': 'reconciliation-title' },
    h('h3', { id: 'reconciliation-title' }, "Reconciliation with the machine's counters"),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ['Counter', 'Machine', 'Furrow', 'Difference'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, r.quantity, r.source ? h('br') : null, r.source ? h('small', {}, r.source) : null),
            h('td', {}, figure(r.machine)),
            h('td', {}, figure(r.furrow)),
            h('td', {}, r.differencePercent === null ? '—' : `${r.differencePercent > 0 ? '+' : ''}${formatNumber(r.differencePercent)} %`),
          ),
        ),
      ),
    ),
  );
}

function downloads(file: FileEntry): HTMLElement {
  const items: HTMLElement[] = [];
  const message = h('p', { class: 'error', role: 'alert' });
  for (const [key, name] of LINKS) {
    const signed = file[key];
    if (typeof signed !== 'string') continue;
    const bearerKey = `download${key[0]!.toUpperCase()}${key.slice(1)}` as keyof FileEntry;
    const bearer = file[bearerKey];
    const button = typeof bearer === 'string' ? h('button', { type: 'button', class: 'small', 'data-download': key }, `Download ${name}`) : null;
    button?.addEventListener('click', () => {
      message.textContent = '';
      downloadWithToken(bearer as string, `${file.id}-${key}`).catch((error: unknown) => (message.textContent = `Download failed: ${describeError(error)}`));
    });
    items.push(h('li', {}, h('a', { href: signed, 'data-link': key }, name), ' ', button));
  }
  if (file.status === 'processed') {
    for (const [what, name, fileName] of EXTRAS) {
      const button = h('button', { type: 'button', class: 'small', 'data-download': what }, `Download ${name}`);
      button.addEventListener('click', () => {
        message.textContent = '';
        downloadWithToken(`${FILES}/${file.id}/download/${what}`, fileName).catch((error: unknown) => (message.textContent = `Download failed: ${describeError(error)}`));
      });
      items.push(h('li', {}, button));
    }
  }
  return h('section', { class: 'card', 'aria-labelledby': 'downloads-title' }, h('h2', { id: 'downloads-title' }, 'Downloads'), h('ul', { class: 'downloads' }, items), message);
}

export async function filePage(main: HTMLElement, id: string, basemapUrl: string | null): Promise<void> {
  const file = await getFile(id);
  const processed = file.status === 'processed';
  const [units, steps, images] = await Promise.all([
    fileUnits(id).catch(() => ({}) as Record<string, string>),
    fileSteps(id).catch(() => ({})),
    processed ? fileImages(id).catch(() => [] as ImageInfo[]) : Promise.resolve([] as ImageInfo[]),
  ]);
  const summary = file.summary as { geometry?: Geometry | null; properties?: Record<string, unknown> } | null;
  const properties = summary?.properties ?? {};
  const reconciliation = Array.isArray(properties.reconciliation) ? (properties.reconciliation as ReconciliationRow[]) : null;
  const { varying, constant } = orderImages(images);

  const header = h(
    'section',
    { class: 'card' },
    h('p', {}, h('a', { href: '#/' }, '← All files')),
    h('h1', {}, file.fileName),
    h('p', {}, badge(file.status), ` ${file.operationType} · ${file.provider} · ${file.fileFormat} · created ${formatTime(file.createdTime)}`),
    file.statusDetails ? h('p', { class: 'details' }, file.statusDetails) : null,
    file.warnings.length > 0 ? h('ul', { class: 'warnings' }, file.warnings.map((w) => h('li', {}, w))) : null,
  );

  const mapSection = h('section', { class: 'card', 'aria-labelledby': 'map-title' }, h('h2', { id: 'map-title' }, 'Map'));
  const sections: HTMLElement[] = [header, mapSection];

  sections.push(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title' }, 'Summary'),
      summary ? summaryTable(properties) : h('p', {}, 'No summary yet.'),
      reconciliation && reconciliation.length > 0 ? reconciliationTable(reconciliation) : null,
    ),
  );
  sections.push(
    h(
      'section',
      { class: 'card two' },
      h('div', {}, h('h2', {}, 'Units'), h('table', { class: 'kv' }, h('tbody', {}, Object.entries(units).map(([k, u]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, u)))))),
      h(
        'div',
        {},
        h('h2', {}, 'Processing steps'),
        h('ol', { class: 'steps' }, Object.entries(steps as Record<string, { status: string; message: string }>).map(([k, s]) => h('li', {}, badge(s.status), ` ${k}: ${s.message}`))),
      ),
    ),
  );
  if (images.length > 0) {
    sections.push(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'images-title' },
        h('h2', { id: 'images-title' }, 'Images'),
        h('div', { class: 'images' }, varying.map((i) => imageFigure(i, file.fileName))),
        constant.length > 0 ? h('details', {}, h('summary', {}, `Constant properties (${constant.length}): ${constant.map((i) => i.property).join(', ')}`), h('div', { class: 'images' }, constant.map((i) => imageFigure(i, file.fileName)))) : null,
      ),
    );
  }
  sections.push(downloads(file));
  replace(main, sections);

  if (!processed) {
    mapSection.append(h('p', {}, `No map: the file is ${file.status}.`));
    return;
  }
  const first = (p: string) => (MAIN_PROPERTIES.includes(p) ? MAIN_PROPERTIES.indexOf(p) : MAIN_PROPERTIES.length);
  const choices = varying.map((i) => i.property).sort((a, b) => first(a) - first(b));
  const property = h('select', { name: 'colourBy' }, choices.map((p) => h('option', { value: p }, p)));
  const legendSlot = h('div', { class: 'map-legend' });
  const status = h('p', { role: 'status', class: 'map-status' }, 'Loading points…');
  const container = h('div', { class: 'map', role: 'region', 'aria-label': `map of the points of ${file.fileName}`, tabindex: 0 });
  mapSection.append(h('div', { class: 'inline' }, field('Colour by', property), legendSlot), container, status);

  const coverage = await geojson<FeatureCollection>(`${FILES}/${id}/download/coverageGeojson`).catch(() => null);
  const fileMap = createFileMap(container, basemapUrl, summary?.geometry ?? null, coverage);
  const show = async () => {
    const chosen = property.value;
    status.textContent = 'Loading points…';
    try {
      const points = await geojson<PointLayer>(`${FILES}/${id}/map-points?property=${encodeURIComponent(chosen)}`);
      fileMap.showPoints(points, chosen);
      const meta = points.furrow;
      replace(legendSlot, rampLegend(`${chosen}${meta ? `, ${meta.layer} points` : ''}`, meta?.min ?? null, meta?.max ?? null, units[chosen] ?? ''));
      status.textContent = meta ? `${meta.kept} of ${meta.total} points drawn (every ${meta.step}${meta.step === 1 ? 'st' : 'th'}).` : '';
    } catch (error) {
      status.textContent = `Could not load the points: ${describeError(error)}`;
    }
  };
  property.addEventListener('change', () => void show());
  if (choices.length > 0) await show();
  else status.textContent = 'No numeric property to colour by.';
  void fileMap.ready.then(() => container.setAttribute('data-ready', 'true'));
}
