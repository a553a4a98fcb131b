import type { AutoReplyHeaders, ReplyKind } from '#domain/replies/classify.ts';
import type { ReplyAttachmentRef, ReplyVerdicts } from '#domain/replies/received.ts';
import type { ReplyRoute } from '#domain/reply-address.ts';

/** Where reply routes are kept (`REPLYTO#<code>`): what a Reply-To address stands for, sealed. */
export interface ReplyRoutes {
  /** Stores a new route; false when its code is already taken (a random collision: mint another). */
  create(route: ReplyRoute): Promise<boolean>;
  get(code: string): Promise<ReplyRoute | undefined>;
}

/** The message a Reply-To address is minted for. */
export interface RepliedMessage {
  /** The invoices the message is about (several for a combined reminder). */
  readonly invoiceIds: readonly string[];
  readonly customerId: string;
  /** The policy step (or `thank-you`) it is sent for. */
  readonly step: string;
  /** When it is sent (ISO instant). */
  readonly sentAt: string;
}

/** Signed Reply-To addresses for outgoing email (shared/adapters/reply-addresses.ts). */
export interface ReplyAddresses {
  /** A fresh `r+<code>@<replyDomain>` for the message, its route stored. */
  replyTo(message: RepliedMessage): Promise<string>;
}

/** The raw replies SES receiving stored, and their attachments (the replies bucket). */
export interface ReplyMailbox {
  /** The raw RFC 5322 message stored under `key`; undefined when there is none. */
  raw(key: string): Promise<Buffer | undefined>;
  /** Keeps an attachment of a reply under `key` (the same key again overwrites it with the same bytes). */
  putAttachment(key: string, content: Buffer, contentType: string): Promise<void>;
}

/** Why a reply could not be acted on. */
export type UnmatchedReason =
  /** No recipient is a reply address of the reply domain (mail to another address there). */
  | 'no_reply_address'
  /** The address's code is malformed or its tag was not made by any key of the keyring (forged or altered). */
  | 'bad_signature'
  /** A genuine-looking code without its stored route, or a route whose seal does not hold. */
  | 'unknown_route'
  /** SES's spam, virus or authentication verdicts do not allow acting on it (verdictProblem). */
  | 'verdicts'
  /** Too large or not parseable as a message. */
  | 'unreadable'
  /** Every invoice its address names is already paid, void, written off or closed. */
  | 'invoices_closed';

/** A reply a person has to look at: nothing was paused, held or disputed because of it. */
export interface UnmatchedReply {
  readonly sesMessageId: string;
  readonly receivedAt: string;
  readonly reason: UnmatchedReason;
  /** For the person: what exactly failed. */
  readonly detail: string;
  readonly recipients: readonly string[];
  readonly verdicts: ReplyVerdicts;
  /** The raw message in the replies bucket. */
  readonly messageKey: string;
  readonly from?: string | undefined;
  readonly subject?: string | undefined;
  /** The first lines of what the sender wrote (text only, never HTML). */
  readonly firstLines?: string | undefined;
  /** What the classifier would have made of it: a hint, nothing was done. */
  readonly class?: ReplyKind | undefined;
  readonly attachments: readonly ReplyAttachmentRef[];
  /** The invoices its (genuine) address names, when it was refused for its verdicts or their state only. */
  readonly invoiceIds?: readonly string[] | undefined;
}

export interface UnmatchedReplyPage {
  /** Newest first. */
  readonly replies: readonly UnmatchedReply[];
  /** Present when there may be more: pass it as `after`. */
  readonly next?: string | undefined;
}

/** The queue of unmatched replies (`REPLY#<SES message id>`, listed newest first). */
export interface UnmatchedReplies {
  /** Keeps the reply; false (and no write) when this SES message is already kept: a redelivery. */
  add(reply: UnmatchedReply): Promise<boolean>;
  list(query: { readonly limit: number; readonly after?: string | undefined }): Promise<UnmatchedReplyPage>;
}

/** A reply message as the reply use case reads it (shared/adapters/parse-reply.ts gives it: text only, never HTML). */
export interface ReadReply {
  readonly kind: 'parsed';
  readonly from: { readonly address: string; readonly name: string } | undefined;
  readonly subject: string;
  readonly text: string;
  readonly autoReplyHeaders: AutoReplyHeaders;
  readonly attachments: readonly {
    readonly filename: string;
    readonly contentType: string;
    readonly size: number;
    readonly content: Buffer;
    readonly inline: boolean;
  }[];
  /** Attachments not kept (over the count or size limit). */
  readonly skippedAttachments: number;
}

/** A message too large or malformed to read. */
export interface UnreadableReply {
  readonly kind: 'refused';
  readonly detail: string;
}

/** Reads a raw RFC 5322 message. */
export type ReplyParser = (raw: Buffer) => Promise<ReadReply | UnreadableReply>;
