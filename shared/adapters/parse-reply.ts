import { type AddressObject, type Attachment, simpleParser } from 'mailparser';
import type { AutoReplyHeaders } from '#domain/replies/classify.ts';

/**
 * A customer's reply, as received raw (SES receiving → S3, locally POST /_local/ses/inbound),
 * parsed with mailparser into what the reply function needs: who wrote, to which address (the
 * signed reply token is in it), the headers that reveal an automatic reply, the plain text and
 * the attachments. Never HTML: a reply is shown as text and classified as text, so nothing a
 * customer's mail client (or an attacker) put into markup is ever rendered. When a message has
 * only HTML, mailparser derives the text from it (scripts and styles dropped).
 *
 * Limits are refused or cut, never thrown: a reply too big to read becomes a refusal the
 * caller can log and move on from, instead of a Lambda retrying the same message.
 */

export interface ReplyLimits {
  /** A raw message larger than this is refused unread. Default 10 MiB (SES receiving's own cap is 40 MB). */
  readonly maxRawBytes?: number;
  /** The text is cut to this many characters, and `textTruncated` says so. Default 64 KiB. */
  readonly maxTextChars?: number;
  /** Attachments kept; the rest are counted in `skippedAttachments`. Default 10. */
  readonly maxAttachments?: number;
  /** An attachment larger than this is skipped (and counted). Default 10 MiB. */
  readonly maxAttachmentBytes?: number;
}

export const defaultReplyLimits: Required<ReplyLimits> = {
  maxRawBytes: 10 * 1024 * 1024,
  maxTextChars: 64 * 1024,
  maxAttachments: 10,
  maxAttachmentBytes: 10 * 1024 * 1024,
};

export interface ReplyAttachment {
  /** Safe as a file name or an S3 key segment: no path, no control characters, ≤ 200 characters. */
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly content: Buffer;
  /** Shown inside the message (a signature logo), not attached as a document. */
  readonly inline: boolean;
}

export interface ParsedReply {
  readonly kind: 'parsed';
  /** The sender; the address lower-cased. Undefined when the message has no usable From. */
  readonly from: { readonly address: string; readonly name: string } | undefined;
  /** Every To and Cc address (groups flattened), lower-cased. */
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly messageId: string | undefined;
  readonly inReplyTo: string | undefined;
  readonly references: readonly string[];
  /** The Date header as an ISO instant; undefined when missing or unreadable. */
  readonly date: string | undefined;
  readonly autoReplyHeaders: AutoReplyHeaders;
  /** The plain text part, or the text derived from the HTML part when there is no plain one. */
  readonly text: string;
  readonly textTruncated: boolean;
  readonly attachments: readonly ReplyAttachment[];
  /** Attachments not kept: over the count or over the size limit. */
  readonly skippedAttachments: number;
  readonly rawBytes: number;
}

export interface ReplyRefusal {
  readonly kind: 'refused';
  readonly reason: 'too_large' | 'unreadable';
  /** For the log: what was refused and why. */
  readonly detail: string;
  readonly rawBytes: number;
}

export async function parseReply(raw: string | Buffer, limits: ReplyLimits = {}): Promise<ParsedReply | ReplyRefusal> {
  const limit = { ...defaultReplyLimits, ...limits };
  const rawBytes = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.length;
  if (rawBytes > limit.maxRawBytes) {
    return {
      kind: 'refused',
      reason: 'too_large',
      detail: `The message is ${rawBytes} bytes, over the ${describeBytes(limit.maxRawBytes)} limit for a reply; it was not read.`,
      rawBytes,
    };
  }
  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(raw, {
      // Text only: no HTML rendering of plain text, no inlining of cid: images into the HTML we drop.
      skipTextToHtml: true,
      skipImageLinks: true,
      keepCidLinks: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: limit.maxRawBytes,
    });
  } catch (error) {
    return { kind: 'refused', reason: 'unreadable', detail: `The message could not be parsed: ${(error as Error).message}`, rawBytes };
  }

  const headerLines = mail.headerLines;
  const { text, truncated } = cut(mail.text ?? '', limit.maxTextChars);
  const { attachments, skipped } = keepAttachments(mail.attachments, limit);
  const sender = addresses(mail.from)[0];
  return {
    kind: 'parsed',
    from: sender,
    to: addresses(mail.to).map((address) => address.address),
    cc: addresses(mail.cc).map((address) => address.address),
    subject: mail.subject ?? '',
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references === undefined ? [] : [mail.references].flat(),
    date: dateOf(headerValue(headerLines, 'date'), mail.date),
    autoReplyHeaders: autoReplyHeadersOf(headerLines),
    text,
    textTruncated: truncated,
    attachments,
    skippedAttachments: skipped,
    rawBytes,
  };
}

function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function addresses(header: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  if (!header) return [];
  const found: { address: string; name: string }[] = [];
  const visit = (entry: { address?: string; name: string; group?: { address?: string; name: string }[] }) => {
    if (entry.group) for (const member of entry.group) visit(member);
    else if (entry.address) found.push({ address: entry.address.trim().toLowerCase(), name: entry.name });
  };
  for (const object of [header].flat()) for (const entry of object.value) visit(entry);
  return found;
}

/** The raw value of the first header of that name, unfolded; undefined when absent. */
function headerValue(lines: ReadonlyArray<{ key: string; line: string }>, name: string): string | undefined {
  const line = lines.find((candidate) => candidate.key === name)?.line;
  if (line === undefined) return undefined;
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

function autoReplyHeadersOf(lines: ReadonlyArray<{ key: string; line: string }>): AutoReplyHeaders {
  const returnPath = headerValue(lines, 'return-path');
  return {
    autoSubmitted: headerValue(lines, 'auto-submitted'),
    xAutoreply: headerValue(lines, 'x-autoreply'),
    xAutorespond: headerValue(lines, 'x-autorespond'),
    precedence: headerValue(lines, 'precedence'),
    xAutoResponseSuppress: headerValue(lines, 'x-auto-response-suppress'),
    listId: headerValue(lines, 'list-id'),
    returnPathEmpty: returnPath !== undefined && returnPath.replace(/\s+/g, '') === '<>',
  };
}

/** mailparser puts the current time in for a Date header it cannot read: only a readable one counts. */
function dateOf(header: string | undefined, parsed: Date | undefined): string | undefined {
  if (header === undefined || Number.isNaN(Date.parse(header)) || !parsed || Number.isNaN(parsed.getTime())) return undefined;
  return parsed.toISOString();
}

function cut(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  // Do not split a surrogate pair.
  const end = /[\ud800-\udbff]/.test(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
  return { text: text.slice(0, end), truncated: true };
}

function keepAttachments(all: readonly Attachment[], limit: Required<ReplyLimits>): { attachments: ReplyAttachment[]; skipped: number } {
  const attachments: ReplyAttachment[] = [];
  let skipped = 0;
  for (const [index, attachment] of all.entries()) {
    if (attachments.length >= limit.maxAttachments || attachment.size > limit.maxAttachmentBytes) {
      skipped++;
      continue;
    }
    attachments.push({
      filename: safeFilename(attachment.filename, index + 1),
      contentType: safeContentType(attachment.contentType),
      size: attachment.size,
      content: attachment.content,
      inline: attachment.related === true || attachment.contentDisposition === 'inline',
    });
  }
  return { attachments, skipped };
}

const MAX_FILENAME_CHARS = 200;

/**
 * The last path segment of what the sender named the file, without control or format
 * characters (a right-to-left override can disguise "fdp.exe" as "exe.pdf"), characters Windows
 * forbids, or leading dots; at most 200 characters, the extension kept. "attachment-N" when
 * nothing is left.
 */
export function safeFilename(name: string | undefined, position: number): string {
  const base = (name ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (cleaned === '') return `attachment-${position}`;
  const characters = Array.from(cleaned);
  if (characters.length <= MAX_FILENAME_CHARS) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 16 ? Array.from(cleaned.slice(dot)) : [];
  return characters.slice(0, MAX_FILENAME_CHARS - extension.length).join('') + extension.join('');
}

function safeContentType(contentType: string): string {
  const type = contentType.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type) ? type : 'application/octet-stream';
}
