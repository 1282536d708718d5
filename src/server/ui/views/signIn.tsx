import { renderPage } from '../components/layout.js';

/** Sign-in, first-run set-up, and the closed door for strangers while no account exists. */
export function authPage(p: { kind: 'login' | 'setup' | 'closed'; csrf?: string; next?: string; error?: string; name?: string }): string {
  if (p.kind === 'closed') {
    return renderPage('Not set up', {}, <><h1>Tidings is not set up yet</h1><p>Create the first account on the server with <code>tidings users add NAME</code>, or open Tidings from the machine it runs on.</p></>);
  }
  const setup = p.kind === 'setup';
  const main = (
    <>
      <h1>{setup ? 'Create the administrator' : 'Sign in'}</h1>
      {setup && <p class="muted">No account exists yet. The first account manages this Tidings.</p>}
      {p.error && <p class="form-error" role="alert">{p.error}</p>}
      <form class="auth panel" method="post" action={setup ? '/setup' : '/login'}>
        <input type="hidden" name="_csrf" value={p.csrf ?? ''} />
        {!setup && <input type="hidden" name="next" value={p.next ?? '/'} />}
        <p><label for="name">Name</label><br /><input id="name" name="name" autocomplete="username" required value={p.name ?? ''} /></p>
        <p><label for="password">Password{setup ? ' (at least 10 characters)' : ''}</label><br /><input id="password" name="password" type="password" autocomplete={setup ? 'new-password' : 'current-password'} required /></p>
        <p><button type="submit" class="primary">{setup ? 'Create and sign in' : 'Sign in'}</button></p>
      </form>
    </>
  );
  return renderPage(setup ? 'Set up' : 'Sign in', {}, main);
}
