import { describeError, signIn } from '../api.ts';
import { field, h, replace } from '../dom.ts';

/** Sign in as an API owner (POST /api/authenticate); the token lives in sessionStorage until the tab closes. */
export function signInView(main: HTMLElement, done: () => void): void {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title' }, h('h1', { id: 'sign-in-title' }, 'Sign in'), field('Username', username), field('Password', password), submit, message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = '';
    signIn(username.value, password.value)
      .then(done)
      .catch((error: unknown) => {
        message.textContent = `Sign-in failed: ${describeError(error)}`;
        submit.disabled = false;
      });
  });
  replace(main, form);
  username.focus();
}
