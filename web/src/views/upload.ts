import { describeError, uploadBatch, type UploadProvider } from '../api.ts';
import { field, formatBytes, h, replace } from '../dom.ts';

const PROVIDERS: UploadProvider[] = ['Other', 'JohnDeere', 'ClimateFieldView', 'CNHI', 'Trimble', 'AgLeader', 'Farmobile', 'PrecisionPlanting', 'Leaf'];

/** Upload one or more zips, one batch each, with a progress bar of the bytes sent. */
export function uploadSection(leafUserId: string | null, uploaded: () => void): HTMLElement {
  const input = h('input', { name: 'upload', type: 'file', accept: '.zip,application/zip', multiple: true, required: true });
  const provider = h('select', { name: 'provider' }, PROVIDERS.map((p) => h('option', { value: p }, p)));
  const submit = h('button', { type: 'submit', disabled: !leafUserId }, 'Start upload');
  const progressList = h('ul', { class: 'progress-list', 'aria-live': 'polite' });
  const form = h('form', { class: 'inline' }, field('Upload', input, 'zip files; one batch each'), field('Provider', provider), submit);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!leafUserId || !input.files) return;
    const files = [...input.files];
    submit.disabled = true;
    void (async () => {
      for (const file of files) {
        const bar = h('progress', { max: file.size, value: 0, 'aria-label': `Upload of ${file.name}` });
        const text = h('span', {}, `0 of ${formatBytes(file.size)}`);
        const row = h('li', {}, h('span', { class: 'name' }, file.name), bar, text);
        progressList.append(row);
        try {
          const batch = await uploadBatch(file, leafUserId, provider.value as UploadProvider, (sent, total) => {
            bar.max = total;
            bar.value = sent;
            text.textContent = `${formatBytes(sent)} of ${formatBytes(total)}`;
          });
          replace(text, `uploaded: batch ${batch.id} (${batch.status})`);
          uploaded();
        } catch (error) {
          row.classList.add('failed');
          replace(text, h('span', { class: 'error' }, `failed: ${describeError(error)}`));
        }
      }
      input.value = '';
      submit.disabled = false;
    })();
  });

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload zips'),
    leafUserId ? null : h('p', {}, 'Create or pick a Leaf user first.'),
    form,
    progressList,
  );
}
