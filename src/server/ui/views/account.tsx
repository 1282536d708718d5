import type { Session } from '../../../model/article.js';
import type { FeedsOutState } from '../feedsOut.js';
import { renderPage, type Chrome } from '../components/layout.js';
import { FeedsOutSection } from '../components/feedsOutSection.js';
import { Csrf } from '../components/parts.js';

type FeverOutcome = { error: string } | { done: string };

export interface AccountData {
  session: Session;
  tokens: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
  newToken: { name: string; token: string } | null;
  password?: { error: string } | { changed: true; sessionsEnded: number };
  /** When the reader's Fever password was set (null: none), and the outcome of setting or removing it. */
  fever: { setAt: string | null; outcome?: FeverOutcome };
  feedsOut?: FeedsOutState;
  /** Whether the river folds stories (the section shows when known). */
  foldStories?: boolean;
  chrome?: Chrome;
}

/** The folding setting, the same one the river's own toggle switches. */
function RiverSection({ fold, csrf }: { fold: boolean; csrf: string }) {
  return (
    <>
      <h2 id="river">River</h2>
      <form class="auth" method="post" action="/account/fold">
        <Csrf token={csrf} />
        <input type="hidden" name="next" value="/account#river" />
        <p>
          {fold ? 'Each story shows once, as its newest article, with its sources, copies and the other outlets in it.' : 'Every article shows on its own, wire copies included.'}
        </p>
        <p><button type="submit" name="fold" value={fold ? '0' : '1'}>{fold ? 'Show every article' : 'Fold stories'}</button></p>
      </form>
    </>
  );
}

const day = (iso: string) => iso.replace('T', ' ').replace('Z', '');

export function accountPage(p: AccountData): string {
  const pw = p.password;
  const csrf = p.session.csrfToken;
  const main = (
    <>
      <h1>Account</h1>
      <p>Signed in as <strong>{p.session.user.name}</strong>{p.session.user.isAdmin ? ' (administrator)' : ''}.</p>
      <h2 id="password">Password</h2>
      {pw && 'error' in pw && <p class="form-error" role="alert">{pw.error}</p>}
      {pw && 'changed' in pw && (
        <p role="status">Password changed.{pw.sessionsEnded ? ` Signed out ${pw.sessionsEnded} other session${pw.sessionsEnded === 1 ? '' : 's'}.` : ''} API tokens keep working; revoke them below if one may be lost.</p>
      )}
      <form class="auth" method="post" action="/account/password">
        <Csrf token={csrf} />
        <input type="text" name="name" aria-label="Name" autocomplete="username" value={p.session.user.name} hidden />
        <p><label for="current">Current password</label><br /><input id="current" name="current" type="password" autocomplete="current-password" required /></p>
        <p><label for="newpw">New password (at least 10 characters)</label><br /><input id="newpw" name="password" type="password" autocomplete="new-password" minLength={10} required /></p>
        <p><label for="confirm">New password again</label><br /><input id="confirm" name="confirm" type="password" autocomplete="new-password" minLength={10} required /></p>
        <p><button type="submit">Change password</button> <span class="muted">Signs out your other sessions.</span></p>
      </form>
      {p.foldStories !== undefined && <RiverSection fold={p.foldStories} csrf={csrf} />}
      {p.feedsOut && <FeedsOutSection s={p.feedsOut} csrf={csrf} />}
      <h2>API tokens</h2>
      <p class="muted">For apps that use the <a href="/api/v1/openapi.json">REST API</a>: send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
      {p.newToken && <p role="status">New token “{p.newToken.name}” — copy it now, it is not shown again: <code class="token">{p.newToken.token}</code></p>}
      <table class="tokens">
        <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {p.tokens.map((t) => (
            <tr>
              <td>{t.name}</td><td>{day(t.createdAt)}</td><td>{t.lastUsedAt ? day(t.lastUsedAt) : 'never'}</td>
              <td><form class="state" method="post" action="/account/tokens/revoke"><Csrf token={csrf} /><input type="hidden" name="id" value={t.id} /><button type="submit">Revoke</button></form></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="subscribe" method="post" action="/account/tokens">
        <Csrf token={csrf} />
        <p class="field"><label for="tname">New token for</label><input id="tname" name="name" placeholder="e.g. phone app" /></p>
        <p><button type="submit">Create token</button></p>
      </form>
      <FeverSection session={p.session} fever={p.fever} />
    </>
  );
  return renderPage('Account', { ...p.chrome, session: p.session }, main);
}

/** The Fever password: its own, never the sign-in one; setting it asks for the sign-in password, removing it does not. */
function FeverSection({ session, fever }: { session: Session; fever: { setAt: string | null; outcome?: FeverOutcome } }) {
  const o = fever.outcome;
  const csrf = session.csrfToken;
  return (
    <>
      <h2 id="fever">Fever password</h2>
      <p class="muted">For apps that sync through the Fever API (Reeder, ReadKit, Unread, Fiery Feeds): enter this site's address followed by <code>/fever/</code>, your name <strong>{session.user.name}</strong>, and this password. It is not your sign-in password and opens nothing else; the server keeps only a hash of the key apps make from it. Changing your name ends it.</p>
      {o && 'error' in o && <p class="form-error" role="alert">{o.error}</p>}
      {o && 'done' in o && <p role="status">{o.done}</p>}
      {fever.setAt ? (
        <>
          <p>A Fever password is set (since {day(fever.setAt)} UTC).</p>
          <form class="state" method="post" action="/account/fever/remove"><Csrf token={csrf} /><button type="submit">Remove</button> <span class="muted">Apps using it stop syncing at once.</span></form>
        </>
      ) : <p>No Fever password is set.</p>}
      <form class="auth" method="post" action="/account/fever">
        <Csrf token={csrf} />
        <input type="text" name="name" aria-label="Name" autocomplete="username" value={session.user.name} hidden />
        <p><label for="fcurrent">Your sign-in password</label><br /><input id="fcurrent" name="current" type="password" autocomplete="current-password" required /></p>
        <p><label for="fnew">{fever.setAt ? 'New Fever password' : 'Fever password'} (at least 10 characters, not your sign-in password)</label><br /><input id="fnew" name="password" type="password" autocomplete="new-password" minLength={10} required /></p>
        <p><label for="fconfirm">Fever password again</label><br /><input id="fconfirm" name="confirm" type="password" autocomplete="new-password" minLength={10} required /></p>
        <p><button type="submit" class="primary">{fever.setAt ? 'Replace Fever password' : 'Set Fever password'}</button></p>
      </form>
    </>
  );
}
