import { escapeHtml } from '../html.ts';
import type { Wording } from './wording.ts';

/**
 * The building blocks of a message, each as plain text and as HTML, so the two parts always
 * say the same thing in the same order. Every value is escaped here, once, on its way into
 * HTML. The HTML is deliberately plain: inline styles only (no external CSS, no scripts, no
 * images), real tables with header cells, a real link for the button.
 */
export interface Part {
  readonly text: string;
  readonly html: string;
}

/** Colors used, checked for WCAG AA contrast in the tests (4.5:1 for normal text). */
export const palette = {
  text: '#1f1f1f',
  background: '#ffffff',
  link: '#0b57d0',
  buttonText: '#ffffff',
  button: '#0b57d0',
  rule: '#d0d0d0',
} as const;

const cell = 'padding:6px 12px 6px 0;text-align:left;vertical-align:top';
const numericCell = 'padding:6px 0 6px 12px;text-align:right;vertical-align:top;white-space:nowrap';
const table = `border-collapse:collapse;margin:16px 0;color:${palette.text}`;
const link = `color:${palette.link};text-decoration:underline`;

export function paragraph(text: string): Part {
  return { text, html: `<p style="margin:0 0 16px">${escapeHtml(text)}</p>` };
}

/** Labelled facts: a table of row headers and values. */
export function facts(rows: readonly (readonly [string, string])[], field: (label: string, value: string) => string): Part {
  return {
    text: rows.map(([label, value]) => field(label, value)).join('\n'),
    html: `<table style="${table}"><tbody>${rows
      .map(
        ([label, value]) =>
          `<tr><th scope="row" style="${cell}">${escapeHtml(label)}</th><td style="${cell}">${escapeHtml(value)}</td></tr>`,
      )
      .join('')}</tbody></table>`,
  };
}

export interface LineRow {
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
}

/** The invoice lines: description, quantity, unit price (no line totals: the balance is what counts). */
export function lineTable(
  caption: string,
  headers: { readonly description: string; readonly quantity: string; readonly unitPrice: string },
  rows: readonly LineRow[],
  wording: Pick<Wording, 'line' | 'listLabel'>,
): Part {
  return {
    text: [wording.listLabel(caption), ...rows.map((row) => `- ${wording.line(row.description, row.quantity, row.unitPrice)}`)].join('\n'),
    html: `<table style="${table}"><caption style="text-align:left;font-weight:bold;padding-bottom:4px">${escapeHtml(caption)}</caption>
<thead><tr><th scope="col" style="${cell};border-bottom:1px solid ${palette.rule}">${escapeHtml(headers.description)}</th><th scope="col" style="${numericCell};border-bottom:1px solid ${palette.rule}">${escapeHtml(headers.quantity)}</th><th scope="col" style="${numericCell};border-bottom:1px solid ${palette.rule}">${escapeHtml(headers.unitPrice)}</th></tr></thead>
<tbody>${rows
      .map(
        (row) =>
          `<tr><td style="${cell}">${escapeHtml(row.description)}</td><td style="${numericCell}">${escapeHtml(row.quantity)}</td><td style="${numericCell}">${escapeHtml(row.unitPrice)}</td></tr>`,
      )
      .join('')}</tbody></table>`,
  };
}

/** The one main action: a link styled as a button (it works with styles off, too). */
export function button(textLabel: string, label: string, href: string, field: (label: string, value: string) => string): Part {
  return {
    text: field(textLabel, href),
    html: `<p style="margin:24px 0"><a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 24px;background-color:${palette.button};color:${palette.buttonText};font-weight:bold;text-decoration:none;border-radius:4px">${escapeHtml(label)}</a></p>`,
  };
}

/** Secondary links, plainly styled so the button stays the one clear action. */
export function links(
  items: readonly { readonly label: string; readonly href: string }[],
  field: (label: string, value: string) => string,
): Part {
  return {
    text: items.map((item) => field(item.label, item.href)).join('\n'),
    html: `<p style="margin:0 0 16px">${items.map((item) => `<a href="${escapeHtml(item.href)}" style="${link}">${escapeHtml(item.label)}</a>`).join(' · ')}</p>`,
  };
}

/** A sign-off: lines kept together (the text part on separate lines, the HTML with line breaks). */
export function signature(lines: readonly string[]): Part {
  return { text: lines.join('\n'), html: `<p style="margin:24px 0 16px">${lines.map(escapeHtml).join('<br>')}</p>` };
}

export function heading(text: string): Part {
  return { text, html: `<h2 style="font-size:18px;margin:24px 0 8px">${escapeHtml(text)}</h2>` };
}

/** Parts that belong together: one text paragraph, consecutive HTML. */
export function group(parts: readonly Part[]): Part {
  return { text: parts.map((part) => part.text).join('\n'), html: parts.map((part) => part.html).join('\n') };
}

export interface InvoiceRow {
  readonly invoiceId: string;
  readonly amount: string;
  readonly dueDate: string;
  readonly payUrl: string;
  readonly payLabel: string;
}

/** Several invoices, one row each with its own pay link; an optional total in the footer. */
export function invoiceTable(
  headers: {
    readonly invoice: string;
    readonly amountDue: string;
    readonly dueDate: string;
    readonly payment: string;
    readonly totalDue: string;
  },
  rows: readonly InvoiceRow[],
  total: string | undefined,
): string {
  const head = [headers.invoice, headers.amountDue, headers.dueDate, headers.payment]
    .map((label) => `<th scope="col" style="${cell};border-bottom:1px solid ${palette.rule}">${escapeHtml(label)}</th>`)
    .join('');
  const body = rows
    .map(
      (row) =>
        `<tr><th scope="row" style="${cell}">${escapeHtml(row.invoiceId)}</th><td style="${cell};white-space:nowrap">${escapeHtml(row.amount)}</td><td style="${cell}">${escapeHtml(row.dueDate)}</td><td style="${cell}"><a href="${escapeHtml(row.payUrl)}" style="${link};font-weight:bold">${escapeHtml(row.payLabel)}</a></td></tr>`,
    )
    .join('');
  const foot =
    total === undefined
      ? ''
      : `<tfoot><tr><th scope="row" style="${cell};border-top:1px solid ${palette.rule}">${escapeHtml(headers.totalDue)}</th><td style="${cell};border-top:1px solid ${palette.rule};font-weight:bold;white-space:nowrap">${escapeHtml(total)}</td><td style="border-top:1px solid ${palette.rule}"></td><td style="border-top:1px solid ${palette.rule}"></td></tr></tfoot>`;
  return `<table style="${table}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody>${foot}</table>`;
}

/** The whole message: text parts separated by a blank line; a small, self-contained HTML page. */
export function document(lang: string, subject: string, parts: readonly Part[]): { subject: string; text: string; html: string } {
  const text = parts.map((part) => part.text).join('\n\n');
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;background-color:${palette.background};color:${palette.text};font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
<div style="max-width:600px;margin:0 auto">
${parts.map((part) => part.html).join('\n')}
</div>
</body>
</html>`;
  return { subject, text, html };
}
