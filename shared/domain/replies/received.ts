import { activeHolds, type HoldOutcome, makePromise, nextHoldId, openDispute, placeManualHold } from '../holds.ts';
import { type Invoice, isSettled, type TimelineEvent, withEvent } from '../invoice.ts';
import { paymentClaimDays, policyFor } from '../policy.ts';
import type { ReplyClassification, ReplyKind } from './classify.ts';
import { newText } from './new-text.ts';

/**
 * What a reply to a reminder does to each invoice it answers (pure): the reply goes on the
 * timeline (`reply.received`) and, in the same write, its effect — a `payment_claimed` hold, a
 * dispute in the customer's words, a promise — so a redelivered message can never half-apply:
 * an invoice whose timeline already has the SES message is left as it is. The effects are the
 * domain's own (placeManualHold, openDispute, makePromise: what the hold, dispute and promise use
 * cases run), composed into one write instead of calling those use cases one after the other,
 * which would be two writes with a crash window between them. Collector tasks are opened after
 * the write by the task use case, from what the event says (`task`), so a retry after a crash in
 * between still opens them, once.
 */

/** SES receiving's verdict on a message (`receipt.spfVerdict.status`…); DISABLED: the scan was off. */
export const verdictStatuses = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const;
export type VerdictStatus = (typeof verdictStatuses)[number];

export interface ReplyVerdicts {
  readonly spf: VerdictStatus;
  readonly dkim: VerdictStatus;
  readonly spam: VerdictStatus;
  readonly virus: VerdictStatus;
  /** DMARC, when SES evaluated it. */
  readonly dmarc?: VerdictStatus | undefined;
}

/**
 * Why a message's verdicts keep it from being acted on, or undefined when they allow it.
 * Conservative, since an acted-on reply pauses dunning:
 * - spam and virus must be PASS (GRAY, PROCESSING_FAILED or DISABLED: nobody vouched for it);
 * - no authentication verdict (SPF, DKIM, DMARC) may be FAIL: the sender's domain disowns it;
 * - SPF or DKIM must PASS: a message neither signed nor sent from an allowed server could come
 *   from anyone who saw the reply address (a forwarded reminder, a leaked mailbox). Either one is
 *   enough: forwarding breaks SPF but keeps DKIM, and many small domains do not sign at all.
 */
export function verdictProblem(verdicts: ReplyVerdicts): string | undefined {
  if (verdicts.virus !== 'PASS') return `virus verdict ${verdicts.virus}`;
  if (verdicts.spam !== 'PASS') return `spam verdict ${verdicts.spam}`;
  const failed = (['spf', 'dkim', 'dmarc'] as const).filter((check) => verdicts[check] === 'FAIL');
  if (failed.length > 0) return `${failed.map((check) => check.toUpperCase()).join(' and ')} FAIL`;
  if (verdicts.spf !== 'PASS' && verdicts.dkim !== 'PASS') return `neither SPF (${verdicts.spf}) nor DKIM (${verdicts.dkim}) passed`;
  return undefined;
}

/** An attachment of a reply, as stored (the content is in the replies bucket under `key`). */
export interface ReplyAttachmentRef {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly key: string;
  /** Shown inside the message (a signature logo), not attached as a document. */
  readonly inline?: boolean | undefined;
}

/** A reply matched to the invoices its signed address names, understood, ready to apply. */
export interface MatchedReply {
  /** SES's id of the received message: one reply, however often it is delivered. */
  readonly sesMessageId: string;
  /** The sender, as the From header gives it. */
  readonly from: string | undefined;
  /** Where the raw message is kept (the replies bucket): the link from the timeline to the message. */
  readonly messageKey: string;
  readonly attachments: readonly ReplyAttachmentRef[];
  readonly classification: ReplyClassification;
  /** The plain text of the reply: a dispute keeps the customer's words from it. */
  readonly text: string;
}

export const REPLY_RECEIVED = 'reply.received';

/** Collector task reasons a reply opens. */
export const ReplyTaskReason = {
  /** The customer says they paid: someone checks the bank before the hold ends. */
  verifyPayment: 'verify_payment',
  /** A reply nothing automatic could act on: someone reads it (dunning goes on meanwhile). */
  replyReceived: 'reply_received',
} as const;
export type ReplyTaskReason = (typeof ReplyTaskReason)[keyof typeof ReplyTaskReason];

/** A person reads any reply within this many days (a verify-payment task: before the hold ends). */
export const REPLY_TASK_DEADLINE_DAYS = 2;

/** The dispute note keeps this much of what the customer wrote (their words, not the quoted reminder). */
export const DISPUTE_NOTE_CHARS = 2000;

/** The step key of the collector task a reply opens on an invoice: one per SES message, so a redelivery opens none. */
export function replyTaskKey(sesMessageId: string): string {
  return `reply-${sesMessageId}`;
}

/** What the reply did, as its timeline event records it. */
export type ReplyEffect = 'payment_claimed_hold' | 'dispute' | 'promise' | 'none';

/** The `reply.received` event of this SES message on the invoice, if it is there. */
export function replyEventOf(invoice: Invoice, sesMessageId: string): TimelineEvent | undefined {
  return invoice.timeline.find((event) => event.type === REPLY_RECEIVED && event.sesMessageId === sesMessageId);
}

/** The collector task the reply's event asks for, if any. */
export function replyTaskOf(event: TimelineEvent): { reason: ReplyTaskReason; deadlineDays: number } | undefined {
  const task = event.task as { reason?: unknown; deadlineDays?: unknown } | undefined;
  if (!task || typeof task.reason !== 'string' || typeof task.deadlineDays !== 'number') return undefined;
  if (!(Object.values(ReplyTaskReason) as string[]).includes(task.reason)) return undefined;
  return { reason: task.reason as ReplyTaskReason, deadlineDays: task.deadlineDays };
}

/** An invoice a reply may still act on: not paid, void or written off, and its lifecycle not closed. */
export function acceptsReplies(invoice: Invoice): boolean {
  return !invoice.closedAt && !isSettled(invoice.status);
}

/**
 * The reply on one invoice: its event, then its effect. Already recorded (a redelivery) or an
 * invoice that is over: unchanged. An effect the invoice refuses (a promise outside the policy's
 * window) leaves the reply recorded with a `reply_received` task, so a person decides.
 */
export function applyReply(invoice: Invoice, reply: MatchedReply, now: Date): HoldOutcome {
  if (replyEventOf(invoice, reply.sesMessageId) || !acceptsReplies(invoice)) return { kind: 'ok', invoice };
  const at = now.toISOString();
  const rules = policyFor(invoice).holdRules;
  const kind = reply.classification.kind;
  const recorded = (effect: ReplyEffect, task: ReplyTaskReason | undefined, extra: Record<string, unknown> = {}) =>
    withEvent(
      invoice,
      replyEvent(reply, at, effect, task, task === ReplyTaskReason.verifyPayment ? paymentClaimDays(rules) : undefined, extra),
    );
  const effected = (effect: ReplyEffect, task: ReplyTaskReason | undefined, holdId: string, apply: (withReply: Invoice) => HoldOutcome) => {
    const outcome = apply(recorded(effect, task, { holdId }));
    if (outcome.kind === 'ok') return outcome;
    return {
      kind: 'ok' as const,
      invoice: recorded('none', ReplyTaskReason.replyReceived, {
        refused: outcome.kind === 'conflict' ? outcome.reason : `${outcome.path} ${outcome.message}`,
      }),
    };
  };

  switch (kind) {
    case 'payment_claimed': {
      // One claim is checked at a time: a second "we paid" while the first is being verified adds nothing.
      if (activeHolds(invoice).some((hold) => hold.reason === 'payment_claimed'))
        return { kind: 'ok', invoice: recorded('none', undefined) };
      const holdId = nextHoldId(invoice, 'HLD');
      const until = new Date(now.getTime() + paymentClaimDays(rules) * 86_400_000).toISOString();
      return effected('payment_claimed_hold', ReplyTaskReason.verifyPayment, holdId, (current) =>
        placeManualHold(current, holdId, until, reply.classification.firstLines, now, 'payment_claimed'),
      );
    }
    case 'dispute': {
      // An open dispute stays the one dispute (as a second click on the pay page keeps it).
      const open = activeHolds(invoice).find((hold) => hold.reason === 'dispute');
      if (open) return { kind: 'ok', invoice: recorded('none', undefined, { holdId: open.holdId }) };
      const holdId = nextHoldId(invoice, 'DSP');
      return effected('dispute', undefined, holdId, (current) => openDispute(current, holdId, 'other', customerWords(reply.text), now));
    }
    case 'promise': {
      const promisedDate = reply.classification.promisedDate;
      if (!promisedDate) return { kind: 'ok', invoice: recorded('none', ReplyTaskReason.replyReceived) };
      const holdId = nextHoldId(invoice, 'PRM');
      return effected('promise', undefined, holdId, (current) => makePromise(current, holdId, promisedDate, undefined, now, rules));
    }
    case 'auto_reply':
      return { kind: 'ok', invoice: recorded('none', undefined) };
    case 'other':
      return { kind: 'ok', invoice: recorded('none', ReplyTaskReason.replyReceived) };
  }
}

/** What the customer wrote now (not the quoted reminder), at most DISPUTE_NOTE_CHARS characters. */
export function customerWords(text: string): string {
  const words = newText(text);
  const characters = Array.from(words);
  return characters.length <= DISPUTE_NOTE_CHARS ? words : `${characters.slice(0, DISPUTE_NOTE_CHARS - 1).join('')}…`;
}

function replyEvent(
  reply: MatchedReply,
  at: string,
  effect: ReplyEffect,
  task: ReplyTaskReason | undefined,
  deadlineDays: number | undefined,
  extra: Record<string, unknown>,
): TimelineEvent {
  const { classification } = reply;
  return {
    at,
    type: REPLY_RECEIVED,
    sesMessageId: reply.sesMessageId,
    class: classification.kind satisfies ReplyKind,
    ...(classification.language ? { language: classification.language } : {}),
    evidence: classification.evidence,
    ...(classification.promisedDate ? { promisedDate: classification.promisedDate } : {}),
    firstLines: classification.firstLines,
    ...(reply.from ? { from: reply.from } : {}),
    messageKey: reply.messageKey,
    attachments: reply.attachments.map((attachment) => ({ ...attachment })),
    effect,
    ...extra,
    ...(task ? { task: { reason: task, deadlineDays: deadlineDays ?? REPLY_TASK_DEADLINE_DAYS } } : {}),
  };
}
