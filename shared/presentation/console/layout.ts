import { type ConsoleAction, mayPerform } from '#contracts/console-roles.ts';
import { escapeHtml } from '#presentation/html.ts';
import { type ConsoleContext, consolePaths } from './context.ts';
import { consoleWording as w } from './wording.ts';

/**
 * The console's page shell and its one stylesheet. The CSP allows styles only from the console's
 * own origin and no script at all, so the pages carry no `<style>`, no `style=""` and no script:
 * every look is a class here, and everything works with plain links and form posts. Frames only
 * from the console's own origin: a sent message's HTML, served on its own (messageBodyHeaders).
 *
 * Colours meet WCAG AA (4.5:1) on their backgrounds: #1a1a1a and #0b4f8a on white, white on
 * #0b4f8a, #8a1010 on #fbeaea, #1a5e20 on #eef7ee, #595959 on white.
 */
export const CONSOLE_CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;background:#fff}
a{color:#0b4f8a}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
input:focus-within{outline:3px solid #f5a623;outline-offset:2px}
.skip{position:absolute;left:-100vw;top:0;padding:.5rem 1rem;background:#fff;z-index:1}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.5rem 1rem;background:#0b4f8a;color:#fff}
.top a{color:#fff}
.brand{font-weight:700;text-decoration:none}
.nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0;list-style:none}
.nav a{display:inline-block;padding:.25rem 0}
.nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin-left:auto}
.who form{margin:0}
.who button{margin:0;padding:.25rem .75rem;background:#fff;color:#0b4f8a;border:1px solid #fff}
main{max-width:80rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:2rem 0 .75rem}h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #c4c4c4}
thead th{border-bottom:2px solid #1a1a1a;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
.table-scroll{overflow-x:auto;max-width:100%}
.invoice-list td:nth-child(3),.invoice-list td:nth-child(5),.invoice-list td:nth-child(7){text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.muted{color:#595959}
.notice{padding:.75rem;border:2px solid #1a5e20;background:#eef7ee}
.error{padding:.75rem;border:2px solid #8a1010;background:#fbeaea}
.error a,.field-error{color:#8a1010;font-weight:600}
.field-error{margin:.25rem 0 0}
[aria-invalid=true]{border:2px solid #8a1010}
.warning{font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
form.action,fieldset{border:1px solid #c4c4c4;border-radius:4px;padding:.75rem 1rem;margin:0 0 1rem}
legend{font-weight:700;padding:0 .25rem}
label{display:block;margin-top:.75rem;font-weight:600}
.check label,label.check{display:inline;font-weight:400;margin:0 1rem 0 .25rem}
.hint{display:block;margin:.15rem 0 0;color:#595959;font-weight:400}
input,select,textarea,button{font:inherit}
input,select,textarea{display:block;width:100%;max-width:32rem;padding:.4rem;margin-top:.25rem;border:1px solid #595959;border-radius:3px}
input[type=checkbox],input[type=radio]{display:inline;width:auto;margin:0}
button{margin-top:1rem;padding:.5rem 1rem;border:0;border-radius:4px;background:#0b4f8a;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a}
button.danger{background:#8a1010}
a.button{display:inline-block;padding:.5rem 1rem;border-radius:4px;background:#0b4f8a;color:#fff;text-decoration:none;font-weight:600}
ul.dev{display:flex;flex-wrap:wrap;gap:.75rem;padding:0;list-style:none}
.inline{display:inline}
.actions{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem;align-items:start}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:0 1rem;align-items:end}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem;margin:0;padding:0;list-style:none}
.tile{border:1px solid #c4c4c4;border-radius:4px;padding:.75rem}
.tile .label{margin:0;font-weight:600}
.tile .value{margin:.25rem 0;font-size:1.5rem;font-weight:700}
.chart-pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem;align-items:start}
svg.chart{max-width:40rem;height:auto}
.legend{display:flex;flex-wrap:wrap;gap:.5rem 1rem;padding:0;list-style:none}
.pager ul{display:flex;gap:1rem;padding:0;list-style:none}
.timeline{padding-left:1.25rem}
.timeline li{margin:.25rem 0}
.message-frame{display:block;width:100%;max-width:50rem;height:40rem;border:1px solid #c4c4c4;background:#fff}
pre.message-text{max-width:50rem;margin:0;padding:.75rem;border:1px solid #c4c4c4;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.95rem}
@media (max-width:40rem){
main{padding:.75rem}
.top{padding:.5rem .75rem}
.who{margin-left:0}
.chart-pair{grid-template-columns:1fr}
.actions{grid-template-columns:1fr}
th,td{padding:.35rem .3rem}
dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}
}
@media print{.top,.skip,form{display:none}a{color:#000}}`;

/** The headers of every console page: the CSP above, no caching of private data, no framing. */
export const consoleSecurityHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * The headers of a sent message's HTML (an email's, a letter's page), served alone for the
 * message page's sandboxed frame: its own inline styles and data: images, nothing fetched, no
 * script (the CSP's `sandbox` holds even if the page is opened outside the frame), framed only
 * by the console, never cached.
 */
export const messageBodyHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-frame-options': 'SAMEORIGIN',
};

/** The headers for `/console/assets/console.css`. */
export const consoleStylesheetHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/css; charset=utf-8',
  'cache-control': 'public, max-age=3600',
  'x-content-type-options': 'nosniff',
};

type NavKey = keyof typeof w.nav;

const navEntries: readonly { readonly key: Exclude<NavKey, 'label'>; readonly href: string; readonly needs?: ConsoleAction }[] = [
  { key: 'dashboard', href: consolePaths.home },
  { key: 'invoices', href: consolePaths.invoices },
  { key: 'tasks', href: consolePaths.tasks },
  { key: 'replies', href: consolePaths.replies },
  { key: 'customers', href: consolePaths.customers },
  { key: 'policies', href: consolePaths.policies, needs: 'policy.edit' },
];

/** The entry a path belongs to: the dashboard only for itself, the others for everything under them. */
function isCurrent(href: string, path: string): boolean {
  return href === consolePaths.home ? path === href || path === '/console' : path === href || path.startsWith(`${href}/`);
}

function nav(ctx: ConsoleContext): string {
  const items = navEntries
    .filter((entry) => entry.needs === undefined || mayPerform(ctx.role, entry.needs))
    .map((entry) => {
      const current = isCurrent(entry.href, ctx.path) ? ' aria-current="page"' : '';
      return `<li><a href="${escapeHtml(entry.href)}"${current}>${escapeHtml(w.nav[entry.key])}</a></li>`;
    })
    .join('');
  return `<nav class="nav" aria-label="${escapeHtml(w.nav.label)}"><ul>${items}</ul></nav>`;
}

/** The hidden field every POST form carries; the handler compares it with the session's token. */
export function csrfField(token: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(token)}">`;
}

function signedIn(ctx: ConsoleContext): string {
  return (
    `<div class="who"><span>${escapeHtml(w.signedInAs(ctx.person.name))} (${escapeHtml(w.roles[ctx.role])})</span>` +
    `<form method="post" action="${escapeHtml(consolePaths.signOut)}">${csrfField(ctx.csrfToken)}` +
    `<button type="submit">${escapeHtml(w.signOut)}</button></form></div>`
  );
}

function document(title: string, header: string, body: string): string {
  return (
    `<!doctype html><html lang="${escapeHtml(w.language)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(w.titled(title))}</title><link rel="stylesheet" href="${escapeHtml(consolePaths.stylesheet)}"></head>` +
    `<body><a class="skip" href="#main">${escapeHtml(w.skipLink)}</a>` +
    `<header class="top"><a class="brand" href="${escapeHtml(consolePaths.home)}">${escapeHtml(w.product)}</a>${header}</header>` +
    `<main id="main" tabindex="-1">${body}</main></body></html>`
  );
}

/** A signed-in page: the nav for the person's role, their name and the sign-out form around `body` (which holds the one h1). */
export function consolePage(title: string, body: string, ctx: ConsoleContext): string {
  return document(title, `${nav(ctx)}${signedIn(ctx)}`, body);
}

/** A page before sign-in: the same shell without nav or person. */
export function publicConsolePage(title: string, body: string): string {
  return document(title, '', body);
}
