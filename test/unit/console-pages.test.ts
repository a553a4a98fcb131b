import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { customerView } from '#contracts/customer-api.ts';
import { invoiceView } from '#contracts/invoice-view.ts';
import { invoiceListItem } from '#contracts/list-api.ts';
import { invoiceListing } from '#contracts/listing.ts';
import { policyView } from '#contracts/policy-api.ts';
import type { AgingReport, KpiReport } from '#domain/finance-reports.ts';
import { type Invoice, withEvent } from '#domain/invoice.ts';
import { defaultPolicy } from '#domain/policy.ts';
import type { ConsoleContext, ConsoleRole } from '#presentation/console/context.ts';
import { CONSOLE_CSS, consoleSecurityHeaders, messageBodyHeaders } from '#presentation/console/layout.ts';
import { renderCustomer } from '#presentation/console/pages/customer.ts';
import { type DashboardView, renderDashboard } from '#presentation/console/pages/dashboard.ts';
import { type InvoicePageView, renderInvoice } from '#presentation/console/pages/invoice.ts';
import { type InvoiceListView, renderInvoices } from '#presentation/console/pages/invoices.ts';
import { type ArchivedView, renderMessage } from '#presentation/console/pages/message.ts';
import { renderPolicies } from '#presentation/console/pages/policies.ts';
import { renderPolicyEdit } from '#presentation/console/pages/policy-edit.ts';
import { renderReplies } from '#presentation/console/pages/replies.ts';
import { renderSignIn } from '#presentation/console/pages/sign-in.ts';
import { renderTask } from '#presentation/console/pages/task.ts';
import { renderWorklist, type WorklistTask, worklistOrder } from '#presentation/console/pages/worklist.ts';
import type { PolicyKpis } from '../../simulator/kpis.ts';
import { newInvoice } from '../support/invoices.ts';

const EVIL = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
/** A token with characters that must be escaped in an attribute, to prove it is. */
const TOKEN = 'tok"en<1>';
const TOKEN_ATTRIBUTE = 'tok&quot;en&lt;1&gt;';
const now = new Date('2026-12-20T09:00:00Z');

function context(role: ConsoleRole, path = '/console/'): ConsoleContext {
  return { role, person: { name: `Pat ${EVIL}` }, csrfToken: TOKEN, path, now };
}

/** An invoice whose customer, hold note, timeline and messages all carry hostile text. */
function hostileInvoice(): Invoice {
  let invoice = newInvoice({ customer: { name: EVIL, customerId: 'C-100' } });
  invoice = withEvent(invoice, {
    at: '2026-12-04T08:00:00Z',
    type: 'reminder.sent',
    stepId: 'post-3',
    channel: 'email',
    to: EVIL,
    messageId: `m-1${EVIL}`,
  });
  invoice = withEvent(invoice, { at: '2026-12-05T08:00:00Z', type: 'payment.received', amountMinor: 5000, paymentId: 'P-1' });
  invoice = withEvent(invoice, { at: '2026-12-06T08:00:00Z', type: 'hold.placed', note: EVIL });
  invoice = withEvent(invoice, { at: '2026-12-07T08:00:00Z', type: `custom.${EVIL}` });
  return {
    ...invoice,
    status: 'on_hold',
    holds: [{ holdId: 'H-1', reason: 'manual', status: 'active', openedAt: '2026-12-06T08:00:00Z', until: null, note: EVIL }],
  };
}

const detail = invoiceView(hostileInvoice(), now);

function invoicePage(role: ConsoleRole, extra: Partial<InvoicePageView> = {}): string {
  return renderInvoice(
    { invoice: detail, writeOffTaskId: 'TSK.INV-2026-0001.write-off', ...extra },
    context(role, '/console/invoices/INV-2026-0001'),
  );
}

const standing = {
  customer: detail.customer,
  profile: undefined,
  consent: { email: true, sms: false },
  risk: {
    score: 62,
    tier: 3 as const,
    drivers: [{ driver: 'average_days_late' as const, value: 21, points: 30, explanation: EVIL }],
    basis: { invoices: 10, settled: 8 },
  },
  openInvoices: { count: 1, balanceMinor: { EUR: 120_000n } },
};
const customer = customerView(standing);

function listItems(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const invoice = newInvoice({
      invoiceId: `INV-2026-${String(index).padStart(5, '0')}`,
      customer: { customerId: `C-${index}`, name: index === 0 ? EVIL : `Customer ${index} Handelsgesellschaft mbH` },
    });
    return invoiceListItem(invoiceListing(invoice, now), now);
  });
}

function listPage(view: Partial<InvoiceListView> = {}, role: ConsoleRole = 'finance'): string {
  return renderInvoices(
    { items: listItems(3), query: { q: EVIL, currency: 'EUR' }, next: 'abc_-1', ...view },
    context(role, '/console/invoices'),
  );
}

function kpi(month: number, overrides: Partial<KpiReport> = {}): KpiReport {
  return {
    from: `2026-${String(month).padStart(2, '0')}-01`,
    to: `2026-${String(month).padStart(2, '0')}-28`,
    currency: 'EUR',
    days: 28,
    sales: '100000.00',
    arBegin: '50000.00',
    arEnd: '48000.00',
    arEndCurrent: '30000.00',
    collected: `${40000 + month * 100}.00`,
    dso: 40 - month / 2,
    bestPossibleDso: 25,
    averageDaysDelinquent: 15,
    cei: 80 + month / 4,
    percentCurrent: 62.5,
    disputeRate: 2.1,
    promiseKeptRate: month === 3 ? null : 75,
    messages: { email: 120, sms: 30 },
    replies: { payment_claimed: 4, dispute: 1, promise: 2, auto_reply: 9, other: 3 },
    recoveryByStep: [],
    averageDaysToPay: 38.25,
    ...overrides,
  };
}

const aging: AgingReport = {
  asOf: '2026-12-19',
  currency: 'EUR',
  buckets: [
    { bucket: 'current', amount: '1100.00', invoices: 2, share: 47.83 },
    { bucket: '1-30', amount: '600.00', invoices: 1, share: 26.09 },
    { bucket: '31-60', amount: '0.00', invoices: 0, share: 0 },
    { bucket: '61-90', amount: '400.00', invoices: 1, share: 17.39 },
    { bucket: '91+', amount: '200.00', invoices: 1, share: 8.7 },
  ],
  total: { amount: '2300.00', invoices: 5 },
};

const dashboardView: DashboardView = {
  reports: {
    aging: [
      aging,
      {
        ...aging,
        currency: 'JPY',
        buckets: aging.buckets.map((bucket) => ({ ...bucket, amount: '1500' })),
        total: { amount: '7500', invoices: 5 },
      },
    ],
    kpis: [{ current: kpi(12), months: Array.from({ length: 12 }, (_, index) => kpi(index + 1)) }],
    cash: [
      {
        currency: 'EUR',
        weeks: [
          { weekOf: '2026-11-23', collected: '1200.50' },
          { weekOf: '2026-11-30', collected: '0.00' },
          { weekOf: '2026-12-07', collected: '8400.00' },
        ],
      },
    ],
  },
  attention: { openTasks: 4, brokenPromises: 1, unmatchedCash: 2 },
  reportsAt: '2026-12-19T08:59:12.000Z',
  refreshing: false,
};

function task(overrides: Partial<WorklistTask> = {}): WorklistTask {
  return {
    taskId: 'TSK.INV-2026-0001.t2-call-38',
    invoiceId: 'INV-2026-0001',
    customerId: 'C-100',
    kind: 'call',
    reason: EVIL,
    stepId: 't2-call-38',
    status: 'open',
    openedAt: '2026-12-10T08:00:00Z',
    dueAt: '2026-12-21T17:00:00Z',
    invoice: detail,
    ...overrides,
  };
}

const kpisOf = (dso: number): PolicyKpis => ({
  dso,
  cei: 81.5,
  collectedShare: { '30': 55, '60': 80, '90': null },
  messages: { email: 1200, sms: 300 },
  tasks: 42,
  sendCostUsd: 12.34,
});

const current = policyView({ ...defaultPolicy, policyId: 'std', version: 3, name: EVIL });

/** The message page of the hostile invoice's one message, with (or without) its archived copy. */
function messagePage(archived?: ArchivedView): string {
  const sent = detail.timeline.find((entry) => entry.type === 'reminder.sent');
  assert.ok(sent);
  return renderMessage({ invoice: detail, sent, archived }, context('finance', '/console/invoices/INV-2026-0001/messages/m-1'));
}

const archivedEmail: ArchivedView = {
  channel: 'email',
  subject: `Reminder ${EVIL}`,
  html: `<!doctype html><html><body><p>${EVIL}</p><style>p{color:red}</style></body></html>`,
  text: `Dear ${EVIL},\n\nplease pay.`,
};

/** Every page, in the roles that see it, with hostile data wherever data can go. */
function everyPage(): readonly (readonly [string, string])[] {
  return [
    [
      'sign-in',
      renderSignIn({
        signInUrl: `https://id.example/authorize?x=${EVIL}`,
        devSignIns: [
          { role: 'finance', href: '/console/dev-sign-in?role=finance' },
          { role: 'collector', href: '/console/dev-sign-in?role=collector' },
        ],
      }),
    ],
    ['dashboard', renderDashboard(dashboardView, context('finance'))],
    [
      'replies',
      renderReplies(
        {
          replies: [
            {
              status: 'unmatched',
              sesMessageId: EVIL,
              receivedAt: '2026-12-10T08:00:00.000Z',
              reason: 'verdicts',
              detail: EVIL,
              recipients: [EVIL],
              verdicts: { spf: 'PASS', dkim: 'FAIL', spam: 'PASS', virus: 'PASS' },
              messageKey: EVIL,
              from: EVIL,
              subject: EVIL,
              firstLines: EVIL,
              class: 'payment_claimed',
              attachments: [],
              invoiceIds: [EVIL],
            },
          ],
          next: EVIL,
        },
        context('collector', '/console/replies'),
      ),
    ],
    ['invoices', listPage()],
    [
      'invoice finance',
      invoicePage('finance', {
        failed: { action: 'promise', errors: [{ path: 'promisedDate', message: EVIL }], values: { promisedDate: EVIL } },
        done: 'hold',
      }),
    ],
    ['invoice collector', invoicePage('collector')],
    [
      'worklist',
      renderWorklist(
        { tasks: [task(), task({ taskId: 'TSK.2', dueAt: null, invoice: null })], risk: { 'C-100': { score: 62, tier: 3 } }, next: EVIL },
        context('collector', '/console/tasks'),
      ),
    ],
    [
      'task',
      renderTask(
        { task: task(), customer, history: [detail], failed: { errors: [{ path: 'outcome', message: EVIL }], values: { note: EVIL } } },
        context('collector', '/console/tasks/x'),
      ),
    ],
    ['customer', renderCustomer({ customer, openInvoices: listItems(2) }, context('finance', '/console/customers/C-100'))],
    ['policies', renderPolicies({ policies: [current] }, context('finance', '/console/policies'))],
    [
      'policy edit',
      renderPolicyEdit(
        {
          policyId: 'std',
          current,
          simulation: { current: kpisOf(41), draft: kpisOf(37.5) },
          errors: [{ path: 'tiers.0.steps.1.offsetDays', message: EVIL }],
        },
        context('finance', '/console/policies/std'),
      ),
    ],
    ['new policy', renderPolicyEdit({}, context('finance', '/console/policies/new'))],
    ['message (email)', messagePage(archivedEmail)],
    ['message (sms)', messagePage({ channel: 'sms', text: `Pay now ${EVIL}` })],
    ['message (letter)', messagePage({ channel: 'letter', subject: `Final notice ${EVIL}`, html: archivedEmail.html })],
    ['message (not archived)', messagePage(undefined)],
  ];
}

const pages = everyPage();

const forms = (html: string) =>
  [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((match) => ({ attributes: match[1] ?? '', body: match[2] ?? '' }));
const postActions = (html: string) =>
  forms(html)
    .filter((form) => form.attributes.includes('method="post"'))
    .map((form) => /action="([^"]*)"/.exec(form.attributes)?.[1] ?? '');

describe('every console page', () => {
  test.each(pages)('%s escapes every text from data', (_name, html) => {
    assert.ok(!html.includes(EVIL), 'hostile text appears raw');
    assert.ok(!/<script/i.test(html.replaceAll(ESCAPED, '')));
  });

  test('hostile text reaches each page that shows it, escaped (so the escaping test sees it at all)', () => {
    for (const [name, html] of pages.filter(([page]) => page !== 'new policy')) assert.ok(html.includes('&lt;script&gt;'), name);
  });

  test.each(pages)('%s has no script, no <style> and no style attribute (the CSP allows none)', (_name, html) => {
    assert.doesNotMatch(html, /<script|<style|\sstyle=|\son[a-z]+=/i);
  });

  test.each(pages)('%s carries the CSRF token in every POST form', (_name, html) => {
    for (const form of forms(html).filter((each) => each.attributes.includes('method="post"'))) {
      assert.ok(form.body.includes(`<input type="hidden" name="csrf" value="${TOKEN_ATTRIBUTE}">`), form.attributes);
    }
  });

  test.each(pages)('%s is one document with lang, a skip link, one h1 and the main landmark', (_name, html) => {
    assert.match(html, /^<!doctype html><html lang="en">/);
    assert.match(html, /<a class="skip" href="#main">/);
    assert.equal(html.match(/<main id="main"/g)?.length, 1);
    assert.equal(html.match(/<h1[\s>]/g)?.length, 1);
    assert.match(html, /<link rel="stylesheet" href="\/console\/assets\/console.css">/);
  });

  test.each(pages)('%s labels every control, and ids are unique', (_name, html) => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    assert.equal(new Set(ids).size, ids.length, 'duplicate id');
    const controls = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter(
      (match) => !/type="(hidden|submit)"/.test(match[2] ?? ''),
    );
    for (const control of controls) {
      const id = /\sid="([^"]+)"/.exec(control[2] ?? '')?.[1];
      assert.ok(id, `control without id: ${control[0]}`);
      assert.ok(html.includes(` for="${id}">`) && new RegExp(`<label[^>]* for="${id}">`).test(html), `no label for ${id}`);
    }
  });

  test.each(pages)('%s has a header cell with scope in every table, and a caption', (_name, html) => {
    for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
      assert.match(table, /^<table><caption>/);
      assert.doesNotMatch(table, /<th(?=[\s>])(?![^>]*scope=)/);
    }
  });

  test.each(pages)('%s draws every chart as an image named by its title', (_name, html) => {
    for (const svg of html.match(/<svg\b[^>]*>/g) ?? []) {
      if (svg.includes('aria-hidden="true"')) continue;
      assert.match(svg, /role="img"/);
      const title = /aria-labelledby="([^"]+)"/.exec(svg)?.[1];
      assert.ok(title && new RegExp(`<title id="${title}">[^<]+</title>`).test(html), svg);
    }
  });
});

describe('shell and navigation', () => {
  test('collectors do not see Policies; finance does; the current entry is marked', () => {
    const collector = renderWorklist({ tasks: [] }, context('collector', '/console/tasks'));
    assert.doesNotMatch(collector, /href="\/console\/policies"/);
    assert.match(collector, /<a href="\/console\/tasks" aria-current="page">Worklist<\/a>/);
    const finance = renderPolicies({ policies: [] }, context('finance', '/console/policies'));
    assert.match(finance, /<a href="\/console\/policies" aria-current="page">Policies<\/a>/);
    assert.match(finance, /<a href="\/console"(?! aria-current)>Dashboard<\/a>/);
  });

  test('the header names the person and signs out by POST with the token', () => {
    const html = renderWorklist({ tasks: [] }, context('collector'));
    assert.match(html, /Signed in as Pat &lt;script&gt;/);
    assert.deepEqual(postActions(html), ['/console/sign-out']);
  });

  test('the sign-in page links to the provider and, locally, offers one button per role', () => {
    const html = pages[0]?.[1] ?? '';
    assert.match(html, /href="https:\/\/id.example\/authorize\?x=&lt;script/);
    assert.match(html, /Local development/);
    assert.match(html, /href="\/console\/dev-sign-in\?role=collector">Sign in as Collector/);
    assert.doesNotMatch(renderSignIn({ signInUrl: '/auth' }), /Local development/);
  });

  test('security headers carry the console CSP; the stylesheet avoids what that CSP would block', () => {
    assert.equal(
      consoleSecurityHeaders['content-security-policy'],
      "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    assert.equal(consoleSecurityHeaders['x-frame-options'], 'DENY');
    assert.doesNotMatch(CONSOLE_CSS, /@import|url\(/);
    assert.match(CONSOLE_CSS, /@media \(max-width:40rem\)/);
    assert.match(CONSOLE_CSS, /:focus-visible\{outline:3px/);
  });
});

describe('invoice page', () => {
  const finance = invoicePage('finance');
  const collector = invoicePage('collector');
  const base = '/console/invoices/INV-2026-0001';

  test('finance gets every action form', () => {
    assert.deepEqual(
      postActions(finance).filter((action) => action.startsWith(base)),
      ['release', 'hold', 'promise', 'dispute', 'payment-plan', 'credit-note', 'replan', 'void', 'write-off'].map(
        (action) => `${base}/${action}`,
      ),
    );
  });

  test('a collector may hold, release, promise, dispute and agree a plan, and never void, write off, credit or re-plan', () => {
    const actions = postActions(collector);
    assert.deepEqual(
      actions.filter((action) => action.startsWith(base)),
      ['release', 'hold', 'promise', 'dispute', 'payment-plan'].map((action) => `${base}/${action}`),
    );
    assert.doesNotMatch(collector, /\/void"|\/write-off"|\/credit-note"|\/replan"|Void invoice|Approve write-off|credit note/i);
  });

  test('the write-off form appears only for an open proposal, carrying its task', () => {
    assert.match(finance, /name="taskId" value="TSK.INV-2026-0001.write-off"/);
    assert.doesNotMatch(invoicePage('finance', { writeOffTaskId: undefined }), /\/write-off"/);
  });

  test('fields follow the API schemas: names, required, limits, the currency precision', () => {
    assert.match(finance, /<textarea id="hold-note" name="note" required maxlength="2000"/);
    assert.match(finance, /<input type="date" id="promise-promisedDate" name="promisedDate" required>/);
    assert.match(finance, /id="promise-amount" name="amount"[^>]*pattern="\(0\|\[1-9\]\[0-9\]\*\)\\\.\[0-9\]\{2\}"/);
    assert.doesNotMatch(finance, /id="promise-amount"[^>]* required/);
    assert.match(finance, /<select id="dispute-reason" name="reason" required><option value="">/);
    assert.match(finance, /name="installments\.0\.dueDate" required/);
    assert.doesNotMatch(finance, /name="installments\.1\.dueDate" required/);
    assert.match(finance, /name="creditNoteId" required/);
    assert.match(finance, /<textarea id="credit-note-reason" name="reason" required maxlength="500"/);
    assert.match(finance, /<textarea id="void-reason" name="reason" maxlength="500"/);
  });

  test('a failed post shows its errors beside the fields with what was typed; a success shows a notice', () => {
    const html = pages.find(([name]) => name === 'invoice finance')?.[1] ?? '';
    assert.match(html, /<p class="notice" role="status">Hold placed.<\/p>/);
    assert.match(html, /<p class="field-error" id="promise-promisedDate-error">&lt;script/);
    assert.match(
      html,
      /id="promise-promisedDate" name="promisedDate" required aria-describedby="promise-promisedDate-error" aria-invalid="true" value="&lt;script/,
    );
    assert.match(html, /<div class="error" role="alert">[\s\S]*href="#promise-promisedDate"/);
    assert.doesNotMatch(finance, /aria-invalid/);
  });

  test('shows the summary, holds, timeline sentences and links to the messages sent', () => {
    assert.match(finance, /€1,250.00/);
    assert.match(finance, /Payment of €50.00 received./);
    assert.match(finance, /Event custom.&lt;script/);
    assert.match(finance, new RegExp(`href="${base}/messages/m-1%3Cscript%3Ealert\\(1\\)%3C%2Fscript%3E"`));
    assert.match(finance, /Release hold: Manual hold/);
  });

  test('a closed invoice offers no actions', () => {
    const closed = invoiceView({ ...hostileInvoice(), status: 'paid', closedAt: '2026-12-10T00:00:00Z' }, now);
    const html = renderInvoice({ invoice: closed }, context('finance'));
    assert.deepEqual(postActions(html), ['/console/sign-out']);
  });
});

describe('message page', () => {
  const base = '/console/invoices/INV-2026-0001/messages/m-1%3Cscript%3Ealert(1)%3C%2Fscript%3E';

  test('an email: its facts, its subject, its HTML in a frame without permissions from the body route, its text in <pre>', () => {
    const html = messagePage(archivedEmail);
    assert.match(html, /<dt>To<\/dt><dd>&lt;script&gt;/, 'the facts the timeline recorded');
    assert.match(html, /<dt>Subject<\/dt><dd>Reminder &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/dd>/);
    const frames = [...html.matchAll(/<iframe\b[^>]*>/g)].map((match) => match[0]);
    assert.deepEqual(frames, [
      `<iframe class="message-frame" sandbox src="${base}/body" title="The email as sent: Reminder &lt;script&gt;alert(1)&lt;/script&gt;">`,
    ]);
    assert.ok(!html.includes('<p>&lt;script') && !html.includes('color:red'), 'the HTML itself is never placed in the page');
    assert.match(html, /<pre class="message-text">Dear &lt;script&gt;alert\(1\)&lt;\/script&gt;,\n\nplease pay.<\/pre>/);
    assert.doesNotMatch(html, /sent before messages were archived/);
  });

  test('a text: in <pre>, with its length and SMS segments', () => {
    const html = messagePage({ channel: 'sms', text: 'x'.repeat(161) });
    assert.match(html, /<pre class="message-text">x{161}<\/pre>/);
    assert.match(html, /161 characters, 2 SMS segments/);
    assert.doesNotMatch(html, /<iframe/);
    assert.match(messagePage({ channel: 'sms', text: 'Pay now' }), /7 characters, 1 SMS segment</);
  });

  test('a letter: its subject and its page in the same kind of frame', () => {
    const html = pages.find(([name]) => name === 'message (letter)')?.[1] ?? '';
    assert.match(html, /<dt>Subject<\/dt><dd>Final notice &lt;script/);
    assert.match(
      html,
      new RegExp(`<iframe class="message-frame" sandbox src="${base.replace(/[()]/g, '\\$&')}/body" title="The letter as posted: `),
    );
    assert.doesNotMatch(html, /<pre/);
  });

  test('a message sent before the archive existed: its facts and a notice saying so', () => {
    const html = messagePage(undefined);
    assert.match(html, /<p class="notice">This message was sent before messages were archived; its facts are above.<\/p>/);
    assert.match(html, /<dt>Message id<\/dt><dd>m-1&lt;script&gt;/);
    assert.doesNotMatch(html, /<iframe|<pre/);
  });

  test('the body route has its own headers: nothing fetched or run, framed only by the console, never cached', () => {
    assert.equal(
      messageBodyHeaders['content-security-policy'],
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
    );
    assert.equal(messageBodyHeaders['x-content-type-options'], 'nosniff');
    assert.equal(messageBodyHeaders['cache-control'], 'private, no-store');
    assert.equal(messageBodyHeaders['content-type'], 'text/html; charset=utf-8');
  });
});

describe('receivables list', () => {
  test('sortable headers are links carrying aria-sort, the active one toggling its order', () => {
    const html = listPage({ query: { sort: 'balance', order: 'desc', status: 'open' } });
    assert.match(
      html,
      /<th scope="col" class="num" aria-sort="descending"><a href="\/console\/invoices\?sort=balance&amp;order=asc&amp;status=open">Balance<\/a>/,
    );
    assert.match(
      html,
      /<th scope="col" aria-sort="none"><a href="\/console\/invoices\?sort=invoiceId&amp;order=asc&amp;status=open">Invoice/,
    );
    assert.equal(html.match(/aria-sort=/g)?.length, 6);
  });

  test('the filter form is a GET that keeps the sort; the pager links carry the cursors', () => {
    const html = listPage({ query: { sort: 'dueDate', order: 'asc', tier: '2' }, previous: 'prev1', next: 'next1' });
    assert.match(html, /<form method="get" action="\/console\/invoices"/);
    assert.match(html, /<input type="hidden" name="sort" value="dueDate">/);
    assert.match(html, /<option value="2" selected>2<\/option>/);
    assert.match(html, /rel="prev" href="\/console\/invoices\?sort=dueDate&amp;order=asc&amp;tier=2&amp;cursor=prev1"/);
    assert.match(html, /rel="next" href="[^"]*cursor=next1"/);
    assert.doesNotMatch(listPage({ next: undefined }), /rel="next"/);
  });

  test('500 rows stay under 100 KB', () => {
    const html = renderInvoices({ items: listItems(500), query: {}, next: 'x' }, context('finance', '/console/invoices'));
    assert.ok(Buffer.byteLength(html) < 100_000, `${Buffer.byteLength(html)} bytes`);
    assert.equal(html.match(/<tr>/g)?.length, 501);
    assert.match(
      html,
      /<tr><th scope="row"><a href="\/console\/invoices\/INV-2026-00499">INV-2026-00499<\/a><td>Customer 499 Handelsgesellschaft mbH<td>€1,250.00<td>2026-12-01<td>19<td>Open<td>/,
    );
  });
});

describe('dashboard', () => {
  const html = renderDashboard(dashboardView, context('finance'));

  test('aging: a chart and a table per currency, with exact amounts', () => {
    assert.equal(html.match(/<svg class="chart" role="img"/g)?.length, 3);
    assert.match(html, /Receivables in EUR by age on 2026-12-19/);
    assert.match(html, /<td class="num">€2,300.00<\/td>/);
    assert.match(html, /<td class="num">JP¥1,500<\/td>/);
  });

  test('aging chart: every bucket has its label under its bar', () => {
    const chart = /<svg class="chart"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    const labels = [...chart.matchAll(/<text [^>]*text-anchor="middle"[^>]*>([^<]+)<\/text>/g)].map((match) => match[1]);
    for (const label of ['Current', '1–30', '31–60', '61–90', '91+'])
      assert.ok(labels.includes(label), `${label} in ${labels.join(' | ')}`);
  });

  test('KPI tiles show the current value and a 12-month sparkline described in words', () => {
    assert.equal(html.match(/<svg class="sparkline" role="img"/g)?.length, 8);
    assert.match(html, /Days sales outstanding<\/p><p class="value">34 days<\/p>/);
    assert.match(html, /Days sales outstanding over the last 12 months: from 39.5 days to 34 days/);
    assert.match(html, /Collected<\/p><p class="value">€41,200.00/);
  });

  test('before the first computation: the live work lists and a notice instead of the figures; later, the time they were computed', () => {
    const first = renderDashboard({ attention: dashboardView.attention, refreshing: true }, context('finance'));
    assert.match(first, /being computed for the first time/);
    assert.doesNotMatch(first, /<svg class="chart"/);
    assert.match(first, /4 open collector tasks/);
    assert.match(html, /as computed at 2026-12-19 08:59 UTC/);
    assert.doesNotMatch(html, /Newer figures are being computed/);
    const stale = renderDashboard({ ...dashboardView, refreshing: true }, context('finance'));
    assert.match(stale, /Newer figures are being computed/);
  });

  test('needs a person today: counts with links', () => {
    assert.match(html, /<a href="\/console\/tasks">4 open collector tasks<\/a>/);
    assert.match(html, /<a href="\/console\/tasks\?reason=broken_promise">1 broken promise<\/a>/);
    assert.match(html, /<a href="\/console\/invoices\?hold=unmatched_cash">2 invoices with unmatched cash<\/a>/);
  });

  test('cash per week: chart and table', () => {
    assert.match(html, /Cash collected per week in EUR/);
    assert.match(html, /€8,400.00/);
  });
});

describe('worklist and task', () => {
  test('most urgent first: deadline, then balance, then days past due, then risk', () => {
    const small = invoiceView({ ...hostileInvoice(), paidMinor: 100_000 }, now);
    const ordered = worklistOrder(
      [
        task({ taskId: 'none', dueAt: null }),
        task({ taskId: 'small', invoice: small }),
        task({ taskId: 'late', dueAt: '2026-12-25T00:00:00Z' }),
        task({ taskId: 'big' }),
        task({ taskId: 'early', dueAt: '2026-12-19T00:00:00Z' }),
      ],
      now,
    );
    assert.deepEqual(
      ordered.map((each) => each.taskId),
      ['early', 'big', 'small', 'late', 'none'],
    );
  });

  test("risk breaks ties: the risk the task recorded when it opened, else the customer's as read for the page", () => {
    const recorded = task({ taskId: 'recorded', risk: { score: 70, tier: 3, assessedOn: '2026-12-10' } });
    const read = task({ taskId: 'read', customerId: 'C-READ' });
    const none = task({ taskId: 'none', customerId: 'C-NONE' });
    const ordered = worklistOrder([none, read, recorded], now, { 'C-READ': { score: 40, tier: 2 } });
    assert.deepEqual(
      ordered.map((each) => each.taskId),
      ['recorded', 'read', 'none'],
    );
    const html = renderWorklist({ tasks: [recorded, read], risk: { 'C-READ': { score: 40, tier: 2 } } }, context('collector'));
    assert.match(html, /70 \(tier 3\)/);
    assert.match(html, /40 \(tier 2\)/);
  });

  test('the task page posts its outcome to the task, offering the outcomes of its kind', () => {
    const call = renderTask({ task: task(), history: [detail] }, context('collector'));
    assert.ok(postActions(call).includes('/console/tasks/TSK.INV-2026-0001.t2-call-38/complete'));
    assert.match(call, /<option value="promise_obtained">Promise obtained<\/option>/);
    assert.match(call, /name="disputeReason"/);
    const writeOff = renderTask({ task: task({ kind: 'write_off_proposal' }), history: [] }, context('finance'));
    assert.match(writeOff, /<option value="approved">Approve<\/option>/);
    assert.doesNotMatch(writeOff, /promise_obtained|disputeReason/);
    const completed = renderTask({ task: task({ status: 'completed', outcome: 'no_answer' }), history: [] }, context('collector'));
    assert.doesNotMatch(completed, /\/complete"/);
    assert.match(completed, /Completed: No answer./);
  });
});

describe('policy editor', () => {
  const html = pages.find(([name]) => name === 'policy edit')?.[1] ?? '';

  test('two submit buttons name the intent', () => {
    assert.match(html, /<button type="submit" name="intent" value="simulate"/);
    assert.match(html, /<button type="submit" name="intent" value="publish"/);
  });

  test('steps are repeated fieldsets named by their API path, each tier with one empty row to add a step', () => {
    const steps = defaultPolicy.tiers[0]?.steps ?? [];
    assert.match(html, new RegExp(`name="tiers.0.steps.${steps.length - 1}.stepId" required`));
    assert.match(
      html,
      new RegExp(
        `<input type="text" id="policy-tiers-0-steps-${steps.length}-stepId" name="tiers.0.steps.${steps.length}.stepId" maxlength`,
      ),
    );
    assert.equal(html.match(/Tier \d, new step/g)?.length, 4);
    assert.match(html, /<input type="checkbox" id="policy-businessHours-days" name="businessHours.days" value="1" checked>/);
  });

  test('an error is shown next to its field', () => {
    assert.match(html, /<p class="field-error" id="policy-tiers-0-steps-1-offsetDays-error">&lt;script/);
    assert.match(
      html,
      /name="tiers.0.steps.1.offsetDays" required aria-describedby="[^"]*policy-tiers-0-steps-1-offsetDays-error" aria-invalid="true"/,
    );
  });

  test('the simulation compares the published version with the draft', () => {
    assert.match(
      html,
      /<th scope="row">Days sales outstanding<\/th><td class="num">41<\/td><td class="num">37.5<\/td><td class="num">-3.5<\/td>/,
    );
    assert.match(html, /<td class="num">US\$12.34<\/td>/);
  });

  test('a new policy asks for its id and starts from the default rules; posted values win', () => {
    const fresh = renderPolicyEdit({}, context('finance'));
    assert.match(fresh, /name="policyId" required/);
    assert.ok(postActions(fresh).includes('/console/policies/new'));
    const posted = renderPolicyEdit({ policyId: 'std', values: { name: 'Draft', 'tiers.1.steps.0.stepId': 'x1' } }, context('finance'));
    assert.match(posted, /name="name" required value="Draft"/);
    assert.match(posted, /name="tiers.1.steps.0.stepId" required value="x1"/);
    assert.match(posted, /Tier 2, new step/);
  });
});

describe('customer page', () => {
  test('risk score with its drivers, contacts and open invoices', () => {
    const html = renderCustomer({ customer, openInvoices: listItems(2) }, context('finance'));
    assert.match(html, /<dt>Score<\/dt><dd>62<\/dd>/);
    assert.match(html, /<th scope="row">Average days late<\/th><td class="num">30<\/td><td>&lt;script/);
    assert.match(html, /ap@acme.example/);
    assert.match(html, /1 open invoice · €1,200.00/);
    assert.match(html, /href="\/console\/invoices\/INV-2026-00001"/);
  });
});
