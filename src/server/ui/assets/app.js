/*
 * The one script of the web app (the CSP allows no inline script). Pages work without it;
 * it adds keyboard shortcuts: j/k next/previous article (on an article page: the next and
 * previous article of the list it was opened from), o or Enter open, m read/unread, s star,
 * r reload, g then a/u/s/f the all/unread/starred/feeds views, / search, ? help. It also
 * registers the service worker that keeps pages for reading offline, and fills an article
 * page's list pane where it is shown (wide screens): the page itself walks no list.
 */
(() => {
  'use strict';
  const items = () => Array.from(document.querySelectorAll('.river > li'));
  let current = -1;
  let pendingG = false;
  const select = (i) => {
    const list = items();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, i));
    list.forEach((li, n) => li.classList.toggle('selected', n === current));
    const li = list[current];
    li.scrollIntoView({ block: 'nearest' });
    const link = li.querySelector('h2 a');
    if (link) link.focus({ preventScroll: true });
  };
  // On an article page the keys act on the article itself and move along its list.
  const actions = () => document.querySelector('.actions');
  const press = (name) => {
    const bar = actions();
    const li = items()[current];
    const scope = bar || li;
    const button = scope && scope.querySelector('button[name="' + name + '"]');
    if (button) button.click();
  };
  const move = (step) => {
    const bar = actions();
    if (!bar) return select(current + step);
    const link = bar.querySelector(step > 0 ? 'a[rel="next"]' : 'a[rel="prev"]');
    if (link && link.href) location.href = link.href;
  };
  const help = document.createElement('div');
  help.id = 'help';
  help.hidden = true;
  help.setAttribute('role', 'dialog');
  help.setAttribute('aria-label', 'Keyboard shortcuts');
  help.innerHTML = '<h2>Keyboard shortcuts</h2><p><kbd>j</kbd>/<kbd>k</kbd> next/previous · <kbd>o</kbd> open · <kbd>m</kbd> read/unread · <kbd>s</kbd> star · <kbd>r</kbd> reload</p><p><kbd>g</kbd> then <kbd>a</kbd> all · <kbd>u</kbd> unread · <kbd>s</kbd> starred · <kbd>f</kbd> feeds</p><p><kbd>/</kbd> search · <kbd>?</kbd> this help · <kbd>Esc</kbd> close</p>';
  document.addEventListener('DOMContentLoaded', () => document.body.appendChild(help));
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) {
      if (e.key === 'Escape') t.blur();
      return;
    }
    if (pendingG) {
      pendingG = false;
      const to = { a: '/?show=all', u: '/?show=unread', s: '/?show=starred', f: '/feeds' }[e.key];
      if (to) { e.preventDefault(); location.href = to; }
      return;
    }
    switch (e.key) {
      case 'j': e.preventDefault(); move(1); break;
      case 'k': e.preventDefault(); move(-1); break;
      case 'o': case 'Enter': {
        const li = items()[current];
        const a = li && li.querySelector('h2 a');
        if (a) { e.preventDefault(); location.href = a.href; }
        break;
      }
      case 'm': e.preventDefault(); press('read'); break;
      case 's': e.preventDefault(); press('starred'); break;
      case 'r': e.preventDefault(); location.reload(); break;
      case 'g': pendingG = true; break;
      case '/': { const q = document.getElementById('q'); if (q) { e.preventDefault(); q.focus(); } break; }
      case '?': e.preventDefault(); help.hidden = !help.hidden; break;
      case 'Escape': help.hidden = true; break;
    }
  });
  // Come back to the article just acted on after a form round-trip.
  const again = sessionStorage.getItem('tidings-selected');
  document.addEventListener('submit', (e) => {
    // A form may change what the kept pane rows show (marks, subscriptions): asked again after it.
    sessionStorage.removeItem('tidings-pane');
    const li = e.target.closest && e.target.closest('.river > li');
    if (li) sessionStorage.setItem('tidings-selected', li.dataset.id || '');
  });
  const forgetSaved = () => {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: 'forget' });
    if (window.caches) caches.delete('tidings-pages');
  };
  document.addEventListener('submit', (e) => {
    if (e.target.matches && e.target.matches('form.logout')) forgetSaved();
  });
  if ('serviceWorker' in navigator && window.isSecureContext) {
    if (location.pathname === '/login' || location.pathname === '/setup') forgetSaved();
    else navigator.serviceWorker.register('/sw.js').catch(() => undefined);
    // Keep the articles of this river page for reading offline (not on metered connections).
    navigator.serviceWorker.ready.then((reg) => {
      if (navigator.connection && navigator.connection.saveData) return;
      const urls = Array.from(document.querySelectorAll('.river > li h2 a')).map((a) => a.href);
      if (urls.length && reg.active && location.pathname === '/') reg.active.postMessage({ type: 'save', urls });
    });
  }
  // The pane's rows, asked once, when the pane is first shown (it is hidden on phones).
  // Moving along the list (j/k, Next) mostly stays inside the rows already shown: those are
  // kept for the tab and reused while the open article has PANE_MARGIN rows either side.
  const PANE_KEPT = 'tidings-pane';
  const PANE_MARGIN = 3;
  const keptRows = (rows) => {
    const m = /^\/articles\/(\d+)\/list(\?.*)?$/.exec(rows);
    let kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(PANE_KEPT) || 'null'); } catch { kept = null; }
    if (!m || !kept || kept.list !== (m[2] || '')) return null;
    const box = document.createElement('div');
    box.innerHTML = kept.html;
    const links = Array.from(box.querySelectorAll('ol > li > a'));
    const here = links.findIndex((a) => a.getAttribute('href') === '/articles/' + m[1] + (m[2] || ''));
    if (here < PANE_MARGIN || here >= links.length - PANE_MARGIN) return null;
    links.forEach((a) => a.removeAttribute('aria-current'));
    links[here].setAttribute('aria-current', 'page');
    links[here].parentElement.className = 'read';
    return box.innerHTML;
  };
  // The pane's rows are a list with the open article marked, and nothing else: no page, no form.
  const isPaneRows = (html) => {
    const box = document.createElement('template');
    box.innerHTML = html;
    const top = box.content;
    // (':scope' matches nothing in a fragment, so the top-level list is found among its children.)
    const list = Array.from(top.children).find((el) => el.tagName === 'OL');
    return !!list && !!list.querySelector(':scope > li > a[aria-current="page"]') && !top.querySelector('form, main, header, script');
  };
  const showRows = (pane, list, html) => {
    pane.innerHTML = html;
    try { sessionStorage.setItem(PANE_KEPT, JSON.stringify({ list, html })); } catch { /* storage full or off: ask each time */ }
  };
  const fillListPane = () => {
    const pane = document.querySelector('nav.list-pane[data-rows]');
    if (!pane || getComputedStyle(pane).display === 'none') return;
    const rows = pane.dataset.rows;
    pane.removeAttribute('data-rows');
    const list = rows.slice(rows.indexOf('/list') + 5);
    const reused = keptRows(rows);
    if (reused) return showRows(pane, list, reused);
    // redirect 'error': a lapsed session answers 303 to /login, whose page must not fill the
    // pane nor be kept for the tab; so is any answer that is not the pane's own rows.
    fetch(rows, { credentials: 'same-origin', redirect: 'error' })
      .then((r) => (r.ok && !r.redirected ? r.text() : ''))
      .then((html) => { if (html && isPaneRows(html)) showRows(pane, list, html); })
      .catch(() => undefined);
  };
  window.addEventListener('resize', fillListPane);
  document.addEventListener('DOMContentLoaded', () => {
    fillListPane();
    if (!again) return;
    sessionStorage.removeItem('tidings-selected');
    const i = items().findIndex((li) => li.dataset.id === again);
    if (i >= 0) select(i);
  });
})();
