import type { unmatchedReplyView } from '#contracts/replies.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { dataTable, heading, instantHtml, labelFor, link, text } from './parts.ts';

/** One entry of `GET /v1/replies?status=unmatched`. */
export type UnmatchedReplyItem = ReturnType<typeof unmatchedReplyView>;

export interface RepliesView {
  /** One page, newest first. */
  readonly replies: readonly UnmatchedReplyItem[];
  /** The cursor of the next (older) page, when there is one. */
  readonly next?: string | undefined;
}

const r = w.replies;

/**
 * `GET /console/replies`: the replies that paused nothing, for a person to read and route. Only
 * their text was ever kept (never their HTML), and every value is escaped here like any other.
 */
export function renderReplies(view: RepliesView, ctx: ConsoleContext): string {
  const rows = view.replies.map((reply) => [
    instantHtml(reply.receivedAt),
    text(reply.from ?? w.notAvailable),
    text(reply.subject ?? ''),
    text(reply.firstLines ?? ''),
    `${text(labelFor(r.reasons, reply.reason))}<span class="hint">${text(reply.detail)}</span>`,
    text(reply.class ? labelFor(r.classes, reply.class) : w.notAvailable),
    (reply.invoiceIds ?? []).map((invoiceId) => link(consolePaths.invoice(invoiceId), invoiceId)).join(', ') || text(w.notAvailable),
    text(String(reply.attachments.length)),
  ]);
  const columns = [r.receivedAt, r.from, r.subject, r.firstLines, r.why, r.hint, r.invoices, r.attachments].map((label) => ({
    header: text(label),
  }));
  const table = rows.length ? dataTable(r.caption, columns, rows, { compact: true }) : `<p>${text(r.empty)}</p>`;
  const next = view.next ? `<p>${link(`${consolePaths.replies}?${new URLSearchParams({ cursor: view.next })}`, r.next)}</p>` : '';
  return consolePage(r.title, `${heading(1, r.title)}<p>${text(r.intro)}</p>${table}${next}`, ctx);
}
