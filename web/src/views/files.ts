import { describeError, listFiles, mergeFiles, type FileQuery } from '../api.ts';
import { badge, field, formatTime, h, replace } from '../dom.ts';

const PAGE_SIZE = 20;
/** A merge is converted in the background: the list asks again this often while a file on it is still processing. */
const POLL_MS = 1500;

type Choice = readonly [value: string, label: string];
const OPERATION_TYPES: Choice[] = [['', 'any'], ['harvested', 'harvested'], ['planted', 'planted'], ['applied', 'applied'], ['tillage', 'tillage']];
const STATUSES: Choice[] = [['', 'any'], ['processed', 'processed'], ['processing', 'processing'], ['failed', 'failed']];
const PROVIDERS: Choice[] = [['', 'any'], ...['Other', 'JohnDeere', 'ClimateFieldView', 'CNHI', 'Trimble', 'AgLeader', 'Farmobile', 'PrecisionPlanting', 'Leaf'].map((p) => [p, p] as const)];

function select(name: string, choices: Choice[]): HTMLSelectElement {
  return h('select', { name }, choices.map(([value, label]) => h('option', { value }, label)));
}

/** A date field's day as the start (or end) of that day in UTC, as Leaf's startTime/endTime filters take it. */
function dayBound(value: string, end: boolean): string | undefined {
  return value ? `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined;
}

export interface FilesSection {
  element: HTMLElement;
  refresh(): void;
}

/** The Leaf user's files with Leaf's filters, paging, and the merging of selected files. */
export function filesSection(leafUserId: string | null): FilesSection {
  const operationType = select('operationType', OPERATION_TYPES);
  const status = select('status', STATUSES);
  const provider = select('provider', PROVIDERS);
  const batchId = h('input', { name: 'batchId', autocomplete: 'off', placeholder: 'batch id' });
  const startTime = h('input', { name: 'startTime', type: 'date' });
  const endTime = h('input', { name: 'endTime', type: 'date' });
  const filters = h(
    'form',
    { class: 'inline filters' },
    field('Operation type', operationType),
    field('Status', status),
    field('Provider', provider),
    field('Batch', batchId),
    field('From', startTime),
    field('To', endTime),
    h('button', { type: 'submit' }, 'Apply filters'),
  );
  const body = h('tbody');
  const pageInfo = h('span', { 'aria-live': 'polite' });
  const previous = h('button', { type: 'button' }, 'Previous page');
  const next = h('button', { type: 'button' }, 'Next page');
  const merge = h('button', { type: 'button', disabled: true }, 'Merge selected files');
  const message = h('p', { role: 'status' });
  const selected = new Set<string>();
  let page = 0;
  let timer: number | undefined;

  const query = (): FileQuery => {
    const q: FileQuery = { page, size: PAGE_SIZE, sort: ['createdTime,desc'] };
    if (leafUserId) q.leafUserId = leafUserId;
    if (operationType.value) q.operationType = operationType.value as FileQuery['operationType'];
    if (status.value) q.status = status.value as FileQuery['status'];
    if (provider.value) q.provider = provider.value;
    if (batchId.value.trim()) q.batchId = batchId.value.trim();
    const start = dayBound(startTime.value, false);
    const end = dayBound(endTime.value, true);
    if (start) q.startTime = start;
    if (end) q.endTime = end;
    return q;
  };

  function refresh(): void {
    window.clearTimeout(timer);
    listFiles(query())
      .then(({ files, total }) => {
        if (files.some((f) => f.status === 'processing') && element.isConnected) timer = window.setTimeout(refresh, POLL_MS);
        const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
        pageInfo.textContent = `Page ${page + 1} of ${pages} (${total} file${total === 1 ? '' : 's'})`;
        previous.disabled = page === 0;
        next.disabled = page + 1 >= pages;
        replace(
          body,
          files.length === 0
            ? h('tr', {}, h('td', { colspan: 6 }, 'No file matches.'))
            : files.map((f) => {
                const box = h('input', { type: 'checkbox', 'aria-label': `Select ${f.fileName} (${f.operationType}) for merging`, checked: selected.has(f.id), disabled: f.status !== 'processed' });
                box.addEventListener('change', () => {
                  if (box.checked) selected.add(f.id);
                  else selected.delete(f.id);
                  merge.disabled = selected.size < 2;
                });
                return h(
                  'tr',
                  { 'data-file': f.id, 'data-status': f.status },
                  h('td', {}, box),
                  h('td', {}, h('a', { href: `#/files/${f.id}` }, f.fileName), h('br'), h('small', {}, f.id)),
                  h('td', {}, f.operationType),
                  h('td', {}, f.provider),
                  h('td', {}, badge(f.status), f.statusDetails ? h('div', { class: 'details' }, f.statusDetails) : null),
                  h('td', {}, formatTime(f.createdTime)),
                );
              }),
        );
      })
      .catch((error: unknown) => (message.textContent = `Could not list the files: ${describeError(error)}`));
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    page = 0;
    refresh();
  });
  previous.addEventListener('click', () => {
    page = Math.max(0, page - 1);
    refresh();
  });
  next.addEventListener('click', () => {
    page++;
    refresh();
  });
  merge.addEventListener('click', () => {
    merge.disabled = true;
    mergeFiles([...selected])
      .then((result) => {
        message.textContent = `Merging into file ${result.id} (${result.status}).`;
        selected.clear();
        refresh();
      })
      .catch((error: unknown) => {
        message.textContent = `Merge refused: ${describeError(error)}`;
        merge.disabled = selected.size < 2;
      });
  });

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'files-title' },
    h('h2', { id: 'files-title' }, 'Files'),
    filters,
    h('table', {}, h('thead', {}, h('tr', {}, ['Merge', 'File', 'Operation', 'Provider', 'Status', 'Created'].map((t) => h('th', { scope: 'col' }, t)))), body),
    h('div', { class: 'pager' }, previous, pageInfo, next, merge),
    message,
  );
  queueMicrotask(refresh);
  return { element, refresh };
}
