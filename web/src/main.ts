/** The Furrow web app: a hash router over the sign-in, home and file views. */
import './app.css';
import { describeError, signedIn, signOut } from './api.ts';
import { h, replace } from './dom.ts';
import { filePage } from './views/file-page.ts';
import { homeView } from './views/home.ts';
import { signInView } from './views/sign-in.ts';

interface PageConfig {
  basemapUrl: string | null;
}

const config = JSON.parse(document.getElementById('furrow-config')?.textContent ?? '{}') as PageConfig;
const main = document.getElementById('main')!;
const account = document.getElementById('account')!;

function renderAccount(): void {
  if (!signedIn()) return replace(account);
  const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
  out.addEventListener('click', () => {
    signOut();
    route();
  });
  replace(account, h('a', { href: '/docs' }, 'API documentation'), ' ', out);
}

function route(): void {
  renderAccount();
  if (!signedIn()) return signInView(main, route);
  const file = /^#\/files\/([\w-]+)$/.exec(window.location.hash);
  const view = file ? filePage(main, file[1]!, config.basemapUrl) : homeView(main);
  view.catch((error: unknown) => {
    if (!signedIn()) return route();
    replace(main, h('section', { class: 'card' }, h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, describeError(error)), h('p', {}, h('a', { href: '#/' }, 'Back to the files'))));
  });
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
route();
