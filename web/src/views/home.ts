/**
 * The home view: pick or create a Leaf user, upload zips for them, follow the batches, browse their files.
 */
import { createUser, describeError, listUsers, type LeafUser } from '../api.ts';
import { field, h, replace } from '../dom.ts';
import { batchesSection } from './batches.ts';
import { filesSection } from './files.ts';
import { uploadSection } from './upload.ts';

const USER_KEY = 'furrow.leafUser';

export function selectedUser(): string | null {
  return sessionStorage.getItem(USER_KEY);
}

export async function homeView(main: HTMLElement): Promise<void> {
  const users = await listUsers();
  let current = selectedUser();
  if (current && !users.some((u) => u.id === current)) current = null;
  current ??= users[0]?.id ?? null;
  if (current) sessionStorage.setItem(USER_KEY, current);

  const picker = h('select', { name: 'leafUser' });
  const fill = (list: LeafUser[]) => {
    replace(picker, list.length === 0 ? h('option', { value: '' }, 'No Leaf user yet: create one') : list.map((u) => h('option', { value: u.id, selected: u.id === current }, `${u.name ?? '(no name)'} — ${u.id}`)));
  };
  fill(users);

  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'off' });
  const message = h('p', { class: 'error', role: 'alert' });
  const create = h('form', { class: 'inline' }, field('Name', name), field('Email', email), h('button', { type: 'submit' }, 'Create user'), message);
  create.addEventListener('submit', (event) => {
    event.preventDefault();
    message.textContent = '';
    createUser(name.value.trim(), email.value.trim() || undefined)
      .then((user) => {
        sessionStorage.setItem(USER_KEY, user.id);
        void homeView(main);
      })
      .catch((error: unknown) => (message.textContent = `Could not create the user: ${describeError(error)}`));
  });
  picker.addEventListener('change', () => {
    sessionStorage.setItem(USER_KEY, picker.value);
    void homeView(main);
  });

  const batches = batchesSection();
  const files = filesSection(current);
  const upload = uploadSection(current, () => batches.refresh());
  replace(
    main,
    h('section', { class: 'card', 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title' }, 'Leaf users'), field('Leaf user', picker), h('h3', {}, 'New Leaf user'), create),
    upload,
    batches.element,
    files.element,
  );
  // A batch that finishes brings new files.
  batches.onSettled(() => files.refresh());
}
