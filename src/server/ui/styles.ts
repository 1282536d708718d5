/** The whole stylesheet: served as a file so the CSP can forbid inline styles. */
export const STYLESHEET = `
:root{color-scheme:light dark;--bg:#fdfdfb;--fg:#1b1b1b;--muted:#5b5b5b;--line:#e3e1dc;--accent:#0b5cad;--warn:#8a3b00;--card:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e8e6e3;--muted:#a9a7a3;--line:#2c2f34;--accent:#7fb6ff;--warn:#ffb37a;--card:#1c1f23}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.6 Charter,"Bitstream Charter","Sitka Text",Cambria,serif}
a{color:var(--accent)}
a:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
header.top{display:flex;gap:1.25rem;align-items:baseline;padding:.75rem 1.25rem;border-bottom:1px solid var(--line);font-family:system-ui,sans-serif;font-size:15px}
header.top .brand{font-weight:700;font-size:18px;color:var(--fg);text-decoration:none}
main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem 4rem}
.river{list-style:none;padding:0;margin:0}
.river li{padding:.9rem 0;border-bottom:1px solid var(--line)}
.river .meta,.byline,.muted{font-family:system-ui,sans-serif;font-size:14px;color:var(--muted)}
svg.activity{display:inline-block;color:var(--muted);margin-top:.3rem}
.river h2{font-size:1.15rem;line-height:1.35;margin:.15rem 0}
.river h2 a{color:var(--fg);text-decoration:none}
.river h2 a:hover{text-decoration:underline}
.river p.excerpt{margin:.2rem 0 0;color:var(--muted);font-size:15px}
article.reading h1{font-size:2rem;line-height:1.2;margin:.5rem 0}
article.reading .body img,article.reading .body video{max-width:100%;height:auto}
article.reading figure{margin:1.25rem 0}
article.reading figcaption{font-family:system-ui,sans-serif;font-size:14px;color:var(--muted)}
article.reading .credit{font-style:italic}
.updated{color:var(--warn);font-weight:600}
.original{margin-top:2rem;font-family:system-ui,sans-serif}
table.feeds{width:100%;border-collapse:collapse;font-family:system-ui,sans-serif;font-size:14px}
table.feeds th,table.feeds td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.status-error{color:var(--warn)}
details.changes{margin:1rem 0;padding:.5rem .75rem;border:1px solid var(--line);border-radius:6px;font-size:15px}
details.changes summary{cursor:pointer;font-family:system-ui,sans-serif;color:var(--warn)}
.diff ins,.title-change ins{background:#d7f5dd;color:#0b3d17;text-decoration:none}
.diff del,.title-change del{background:#fbe0e0;color:#5c0b0b}
@media (prefers-color-scheme:dark){.diff ins,.title-change ins{background:#123d1d;color:#c9f2d2}.diff del,.title-change del{background:#4a1515;color:#f7caca}}
form.search{margin-left:auto}
form.search input{font:inherit;font-size:15px;padding:.3rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg);width:12rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
mark{background:#ffe680;color:#1b1b1b}
form.logout{display:flex;gap:.5rem;align-items:baseline}
form.logout button,form.auth button{font:inherit;font-size:14px;padding:.3rem .8rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg);cursor:pointer}
form.auth input{font:inherit;padding:.4rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg);width:100%;max-width:22rem}
.form-error{color:var(--warn);font-weight:600}
.offline-note{margin:0;padding:.5rem 1rem;background:var(--card);border-bottom:1px solid var(--line);text-align:center;font-weight:600}
form.state{display:inline-flex;gap:.4rem;margin-top:.3rem}
form.state button{font:inherit;font-family:system-ui,sans-serif;font-size:13px;padding:.15rem .6rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg);cursor:pointer}
nav.filters{display:flex;gap:1rem;align-items:baseline;font-family:system-ui,sans-serif;margin-bottom:.5rem}
nav.filters a[aria-current]{font-weight:700;color:var(--fg)}
.river li.read h2 a{color:var(--muted)}
form.subscribe{margin:1rem 0;font-family:system-ui,sans-serif;font-size:15px}
form.subscribe input{font:inherit;padding:.3rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg);width:min(28rem,100%)}
form.subscribe button{font:inherit;padding:.3rem .8rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg)}
.river li.selected{outline:2px solid var(--accent);outline-offset:4px;border-radius:2px}
#help{position:fixed;inset:10% 10% auto;max-width:28rem;margin:auto;background:var(--card);color:var(--fg);border:1px solid var(--line);border-radius:8px;padding:1rem 1.5rem;box-shadow:0 8px 30px rgba(0,0,0,.25);font-family:system-ui,sans-serif;font-size:15px}
#help[hidden]{display:none}
#help kbd{border:1px solid var(--line);border-radius:3px;padding:0 .3rem;font-size:13px}
@media (max-width:600px){header.top{flex-wrap:wrap;gap:.75rem}form.search{margin-left:0;width:100%}form.search input{width:100%}main{padding:.75rem}article.reading h1{font-size:1.6rem}}
form.filters{font-family:system-ui,sans-serif;font-size:15px;border:1px solid var(--line);border-radius:6px;padding:.25rem .75rem;margin-bottom:1rem}
form.filters input,form.filters select,form.filters button{font:inherit;padding:.2rem .4rem;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg)}
nav.pager{margin-top:1.5rem;font-family:system-ui,sans-serif}
`;
