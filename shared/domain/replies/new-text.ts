import { foldForMatching } from './phrases.ts';

/**
 * Only what the customer wrote now: the text above the first sign of quoted history or a
 * signature. A reply usually carries the whole reminder underneath, and the reminder says
 * "pay", "dispute" and a due date: classified with it, every reply would look like a promise.
 *
 * Markers, the first of which ends the new text:
 * - a line starting with ">" (quoted by the mail client);
 * - an attribution line, also when the client wrapped it onto a second or third line:
 *   "On Mon, 7 Dec 2026 at 09:12, Dunwell <…> wrote:", "Am 07.12.2026 um 09:12 schrieb …:",
 *   "Le lun. 7 déc. 2026 à 09:12, … a écrit :", "El lun, 7 dic 2026 a las 9:12, … escribió:",
 *   or "Name <address> wrote:";
 * - an Outlook separator ("-----Original Message-----", "-----Ursprüngliche Nachricht-----",
 *   "-----Message d'origine-----", "-----Mensaje original-----", forwarded-message lines);
 * - an Outlook header block: "From:/Von:/De:" with "Sent:/Gesendet:/Envoyé :/Enviado:/Date:"
 *   within the next four lines (and the "____" rule Outlook puts above it);
 * - the signature delimiter "-- " (also without its trailing space, as clients often strip it);
 * - mobile footers ("Sent from my iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPhone",
 *   "Enviado desde mi iPhone", "Get Outlook for iOS/Android" and their translations).
 *
 * A customer who writes under the quote (bottom posting) leaves nothing above it: then the text
 * right after the leading attribution and quoted lines is the new text, up to the next marker.
 */
export function newText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const first = findMarker(lines, 0);
  let kept = lines.slice(0, first?.start ?? lines.length);
  if (first && isBlank(kept) && (first.kind === 'quote' || first.kind === 'attribution')) {
    let next = first.end;
    while (next < lines.length && (isQuoted(lines[next] ?? '') || isBlank([lines[next] ?? '']))) next++;
    const after = findMarker(lines, next);
    kept = lines.slice(next, after?.start ?? lines.length);
  }
  return kept.join('\n').trim();
}

type MarkerKind = 'quote' | 'attribution' | 'separator' | 'header-block' | 'signature' | 'mobile-footer';

interface Marker {
  readonly kind: MarkerKind;
  /** The first line of the marker. */
  readonly start: number;
  /** The line after it (for an attribution, after its last wrapped line). */
  readonly end: number;
}

function findMarker(lines: readonly string[], from: number): Marker | undefined {
  for (let index = from; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (isQuoted(line)) return { kind: 'quote', start: index, end: index + 1 };
    const folded = foldForMatching(line).trim();
    if (folded === '') continue;
    const attributionEnd = attributionEndsAt(lines, index);
    if (attributionEnd !== undefined) return { kind: 'attribution', start: index, end: attributionEnd };
    if (SEPARATOR.test(folded)) return { kind: 'separator', start: index, end: index + 1 };
    if (startsHeaderBlock(lines, index)) {
      const rule = ruleAbove(lines, index);
      return { kind: 'header-block', start: rule ?? index, end: index + 1 };
    }
    if (SIGNATURE.test(line.replace(/\s+$/, ''))) return { kind: 'signature', start: index, end: index + 1 };
    if (folded.length <= 60 && MOBILE_FOOTERS.some((footer) => footer.test(folded)))
      return { kind: 'mobile-footer', start: index, end: index + 1 };
  }
  return undefined;
}

function isQuoted(line: string): boolean {
  return /^\s*>/.test(line);
}

function isBlank(lines: readonly string[]): boolean {
  return lines.every((line) => line.trim() === '');
}

/** "On …", "Am …", "Le …", "El …" opening an attribution; the verb closes it with a colon. */
const ATTRIBUTION_START = /^(?:on|am|le|el)\s/;
const ATTRIBUTION_END = /(?:\bwrote|\bschrieb\b.*|\ba ecrit|\bescribio)\s*:\s*$/;
/** Clients wrap a long attribution ("… Dunwell <\nreminders@…> wrote:"): look this many lines ahead. */
const ATTRIBUTION_LINES = 3;

function attributionEndsAt(lines: readonly string[], index: number): number | undefined {
  const first = foldForMatching(lines[index] ?? '').trim();
  const opens = ATTRIBUTION_START.test(first) || /\S@\S/.test(first);
  if (!opens) return undefined;
  let joined = '';
  for (let offset = 0; offset < ATTRIBUTION_LINES && index + offset < lines.length; offset++) {
    const line = foldForMatching(lines[index + offset] ?? '').trim();
    if (offset > 0 && (line === '' || isQuoted(line))) return undefined;
    joined = `${joined} ${line}`.trim();
    if (ATTRIBUTION_END.test(joined)) return index + offset + 1;
  }
  return undefined;
}

const SEPARATOR =
  /^-{2,}\s*(?:original message|ursprungliche nachricht|message d'origine|mensaje original|forwarded message|weitergeleitete nachricht|message transfere|mensaje reenviado)\s*-{2,}$/;

const HEADER_FROM = /^\**\s*(?:from|von|de)\s*:\**\s*\S/;
const HEADER_SENT = /^\**\s*(?:sent|gesendet|envoye|enviado|date|datum|fecha)\s*:/;
/** How far below "From:" the "Sent:" line may be (Outlook: From, Sent, To, Cc, Subject). */
const HEADER_BLOCK_LINES = 4;

function startsHeaderBlock(lines: readonly string[], index: number): boolean {
  if (!HEADER_FROM.test(foldForMatching(lines[index] ?? '').trim())) return false;
  for (let offset = 1; offset <= HEADER_BLOCK_LINES && index + offset < lines.length; offset++) {
    if (HEADER_SENT.test(foldForMatching(lines[index + offset] ?? '').trim())) return true;
  }
  return false;
}

/** The "________" or "--------" rule Outlook draws above its header block, when there is one. */
function ruleAbove(lines: readonly string[], index: number): number | undefined {
  let above = index - 1;
  while (above >= 0 && (lines[above] ?? '').trim() === '') above--;
  return above >= 0 && /^\s*(?:_{8,}|-{8,})\s*$/.test(lines[above] ?? '') ? above : undefined;
}

/** RFC 3676 signature delimiter: "-- " alone on a line. */
const SIGNATURE = /^-- ?$/;

const MOBILE_FOOTERS: readonly RegExp[] = [
  /^sent from my \S/,
  /^sent from (?:outlook|mail for windows|yahoo mail|proton mail|samsung)\b/,
  /^(?:get|download) outlook for (?:ios|android)\b/,
  /^von meinem \S.* gesendet\.?$/,
  /^gesendet von meinem \S/,
  /^(?:von )?outlook fur (?:ios|android) (?:gesendet|herunterladen)\b/,
  /^gesendet (?:von|mit) (?:outlook|mail fur windows)\b/,
  /^envoye de mon \S/,
  /^envoye (?:a partir )?de outlook pour (?:ios|android)\b/,
  /^(?:obtenir|telecharger) outlook pour (?:ios|android)\b/,
  /^enviado desde mi \S/,
  /^(?:enviado desde|obtener|descargar) outlook para (?:ios|android)\b/,
];
