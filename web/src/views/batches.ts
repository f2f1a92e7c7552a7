import { batchFailures, describeError, listBatches, retryBatch, type Batch } from '../api.ts';
import { badge, formatBytes, formatTime, h, replace } from '../dom.ts';

const POLL_MS = 1500;
const settledStates = new Set(['PROCESSED', 'FAILED']);

export interface BatchesSection {
  element: HTMLElement;
  refresh(): void;
  /** Called whenever a batch seen unfinished has finished. */
  onSettled(listener: () => void): void;
}

/** The latest batches with their live status (polled while one is unfinished), failures and a retry for failed ones. */
export function batchesSection(): BatchesSection {
  const body = h('tbody');
  const message = h('p', { class: 'error', role: 'alert' });
  const listeners: (() => void)[] = [];
  const unfinished = new Set<string>();
  let timer: number | undefined;

  const failuresCell = (batch: Batch) => {
    const cell = h('td');
    // The batch list carries no failures (GET /batch/{id} has the first few and failureCount, newer than the
    // generated client's schema): a failed batch, or one known to have failures, offers to list them.
    const count = (batch as Batch & { failureCount?: number }).failureCount ?? batch.failures?.length;
    if (!count && batch.status !== 'FAILED') return replace(cell, '—'), cell;
    const button = h('button', { type: 'button', class: 'small' }, `Show failures of ${batch.fileName}`);
    button.addEventListener('click', () => {
      button.disabled = true;
      batchFailures(batch.id)
        .then((all) => replace(cell, h('ul', { class: 'failures' }, all.map((f) => h('li', {}, h('code', {}, f.path), ': ', f.reason)))))
        .catch((error: unknown) => replace(cell, h('span', { class: 'error' }, describeError(error))));
    });
    replace(cell, count ? `${count} ` : '', button);
    return cell;
  };

  const row = (batch: Batch) => {
    const actions = h('td');
    if (batch.status === 'FAILED') {
      const retry = h('button', { type: 'button', class: 'small' }, `Retry ${batch.fileName}`);
      retry.addEventListener('click', () => {
        retry.disabled = true;
        retryBatch(batch.id)
          .then(refresh)
          .catch((error: unknown) => (message.textContent = `Retry failed: ${describeError(error)}`));
      });
      actions.append(retry);
    }
    return h(
      'tr',
      { 'data-batch': batch.id, 'data-status': batch.status },
      h('td', {}, batch.fileName, h('br'), h('small', {}, batch.id)),
      h('td', {}, formatBytes(batch.size)),
      h('td', {}, formatTime(batch.uploadTimestamp)),
      h('td', {}, badge(batch.status), batch.statusDetails ? h('div', { class: 'details' }, batch.statusDetails) : null),
      failuresCell(batch),
      actions,
    );
  };

  function refresh(): void {
    window.clearTimeout(timer);
    listBatches()
      .then((batches) => {
        message.textContent = '';
        let settled = false;
        for (const b of batches) {
          if (settledStates.has(b.status)) {
            if (unfinished.delete(b.id)) settled = true;
          } else unfinished.add(b.id);
        }
        replace(body, batches.length === 0 ? h('tr', {}, h('td', { colspan: 6 }, 'No batch yet.')) : batches.map(row));
        if (settled) listeners.forEach((l) => l());
        if (unfinished.size > 0 && element.isConnected) timer = window.setTimeout(refresh, POLL_MS);
      })
      .catch((error: unknown) => (message.textContent = `Could not list the batches: ${describeError(error)}`));
  }

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'batches-title' },
    h('h2', { id: 'batches-title' }, 'Batches'),
    h('table', {}, h('thead', {}, h('tr', {}, ['Zip', 'Size', 'Uploaded', 'Status', 'Failures', ''].map((t) => h('th', { scope: 'col' }, t)))), body),
    message,
  );
  // Polling starts once the section is in the page.
  queueMicrotask(refresh);
  return { element, refresh, onSettled: (listener) => listeners.push(listener) };
}
