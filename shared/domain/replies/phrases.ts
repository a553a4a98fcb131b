/**
 * What customers write when they answer a reminder, per language (en, de, fr, es), as data.
 *
 * Every pattern runs on folded text (see `foldForMatching`): compatibility-decomposed, combining
 * marks stripped, ß → ss, lower case, typographic apostrophes → ', so "Überwiesen", "ÜBERWIESEN"
 * and "überwiesen" all read "uberwiesen" and "réglé" reads "regle". Write patterns that way: no
 * accents, lower case, and `ue?` where a German writes "ü" or, without the key, "ue".
 *
 * Before matching, the classifier replaces every date it read with a run of "#" of the same
 * length, so a date never splits a sentence ("am 15.12. bezahlt") and never reads as words.
 * Patterns run sentence by sentence; `GAP` stops at commas, so a phrase never spans two clauses.
 *
 * A rule says why it exists: the kind of reply it was written for. Rules are deliberately
 * narrow: a reply nothing here recognises is `other`, and a person reads it — that is the safe
 * failure. A wrong `payment_claimed` or `promise` would pause dunning on someone's word that was
 * never given.
 */

export const replyLanguages = ['en', 'de', 'fr', 'es'] as const;
export type ReplyLanguage = (typeof replyLanguages)[number];

export interface PhraseRule {
  readonly pattern: RegExp;
  /** Why the rule exists: the replies it was written for. */
  readonly why: string;
}

export interface LanguagePhrases {
  /** Frequent words of the language, to tell which language a reply is in. */
  readonly commonWords: readonly string[];
  /**
   * Words that turn a statement around. Checked in the three words before a phrase, and for
   * `paymentClaimed` and `promise` also inside it ("haben die Rechnung noch nicht bezahlt").
   * Dispute phrases may contain a negation themselves ("we never received the goods"), so
   * only the words before them are checked, and not even those when the phrase is itself
   * negative (the "n'" of "nous n'avons jamais reçu" belongs to its "jamais").
   */
  readonly negators: RegExp;
  /** The customer says the money has left: pause, check the bank, do not insist. */
  readonly paymentClaimed: readonly PhraseRule[];
  /** The customer contests the invoice, the amount or the delivery. */
  readonly dispute: readonly PhraseRule[];
  /** The customer says they will pay; a promise only counts with a date today or later. */
  readonly promise: readonly PhraseRule[];
  /** Subjects of automatic replies (out of office, autoresponders, read receipts, bounces). */
  readonly autoReplySubject: readonly PhraseRule[];
  /** Body wording of automatic replies, for responders that send no header and keep the subject. */
  readonly autoReplyBody: readonly PhraseRule[];
  /** Month names and abbreviations, folded; index 0 is January. */
  readonly months: readonly (readonly string[])[];
  /** Weekday names, folded; index 0 is Sunday (as Date#getUTCDay). */
  readonly weekdays: readonly (readonly string[])[];
  /** Words for a day relative to today ("tomorrow" = +1), folded. Longer forms first. */
  readonly relativeDays: readonly { readonly pattern: RegExp; readonly offset: number }[];
  /**
   * "next Friday", "vendredi prochain": ambiguous (this week's or next week's?), so a weekday
   * with such words just before (`before`, tested on the text up to it) or after (`after`, on
   * the text following it) is not read as a date.
   */
  readonly ambiguousWeekday: { readonly before?: RegExp; readonly after?: RegExp };
  /** "end of the month": the last day of today's month. */
  readonly endOfMonth: RegExp;
}

/** Folds text for matching: NFKD, no combining marks, ß → ss, lower case, plain apostrophes and spaces. */
export function foldForMatching(text: string): string {
  return foldWithOrigins(text).folded;
}

/**
 * The folded text and, for each of its characters, the index in `text` of the character it
 * came from: a phrase found in folded text can be quoted as the customer wrote it.
 */
export function foldWithOrigins(text: string): { readonly folded: string; readonly origins: readonly number[] } {
  let folded = '';
  const origins: number[] = [];
  let index = 0;
  for (const character of text) {
    const piece = foldCharacter(character);
    for (let unit = 0; unit < piece.length; unit++) origins.push(index);
    folded += piece;
    index += character.length;
  }
  return { folded, origins };
}

function foldCharacter(character: string): string {
  const code = character.charCodeAt(0);
  if (code < 0x80 && character !== '`' && character !== '\t') return character.toLowerCase();
  if (/[\u2018\u2019\u201b\u02bc\u00b4`]/.test(character)) return "'";
  if (/[\u00a0\u2007\u202f\t]/.test(character)) return ' ';
  return character.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
}

/** Up to `n` more words in the same clause (a comma, semicolon or colon ends it). */
const GAP = (n: number): string => String.raw`(?:\s+[^\s,;:]+){0,${n}}?`;
/** The same, but no future auxiliary among them, so "virement sera effectué" is not "virement effectué". */
const PAST_GAP = (n: number, future: string): string => String.raw`(?:\s+(?!(?:${future})\b)[^\s,;:]+){0,${n}}?`;

function re(strings: TemplateStringsArray, ...parts: string[]): RegExp {
  return new RegExp(String.raw({ raw: strings.raw }, ...parts));
}

const rule = (pattern: RegExp, why: string): PhraseRule => ({ pattern, why });

// ---------------------------------------------------------------------------------------------
// English
// ---------------------------------------------------------------------------------------------

// "Transferred", "cleared", "settled" also move emails and questions ("I transferred your
// email to accounts", "I cleared it with my manager"): they count only with money as object.
const enPaidVerb = '(?:paid|payed|remitted)';
const enMoneyVerb = '(?:settled|transferred|transfered|wired|cleared)';
const enMoney = '(?:money|funds|amount|payment|balance|sum|total|invoice|bill|account|outstanding|[€$£]|eur|usd|gbp|\\d)';
const enAlready = '(?:already|allready|alredy|just|now|actually|definitely|indeed|fully)';
const enGoods =
  '(?:goods|order|items?|products?|delivery|deliveries|shipment|parts|materials?|merchandise|services?|equipment|package|parcel|consignment)';

const en: LanguagePhrases = {
  commonWords: ['the', 'we', 'you', 'our', 'is', 'are', 'have', 'has', 'will', 'this', 'that', 'please', 'thanks', 'thank', 'and'],
  negators: /n't\b|\b(?:not|never|no|cannot|unable|neither|nor)\b/,
  paymentClaimed: [
    rule(
      re`\b(?:we|i)(?:'ve|\s+have|\s+had)?(?:\s+${enAlready})*\s+${enPaidVerb}\b`,
      '"we paid", "we have already paid", "we payed" (a common misspelling): the money left.',
    ),
    rule(
      re`\b(?:we|i)(?:'ve|\s+have|\s+had)?(?:\s+${enAlready})*\s+${enMoneyVerb}\s+(?:(?:the|your|our|this|that|full|total|whole|outstanding|open)\s+)*${enMoney}`,
      '"we settled the invoice", "I transferred the full amount", "we wired EUR 1,250".',
    ),
    rule(re`\b(?:we|i)(?:'ve|\s+have|\s+had)?(?:\s+${enAlready})*\s+settled\s+(?:it|this|that|everything)\b`, '"I\'ve settled it".'),
    rule(
      re`\b(?:we|i)(?:'ve|\s+have|\s+had)?(?:\s+${enAlready})*\s+(?:sent|made|initiated|processed|released|executed|issued|completed)\s+(?:(?:the|a|our|your|full|bank)\s+)*(?:payment|transfer|wire|remittance|money|funds)\b`,
      '"we made the payment", "I sent the transfer", "we\'ve sent the money": the customer did the paying.',
    ),
    rule(
      re`\b(?:invoice|bill|balance|amount|it|this|that|payment|sum)(?:\s+(?:no\.?\s*|#)?[a-z]*-?\d[\w/-]*)?\s+(?:has|have|had|was|were|is)(?:\s+(?:already|allready|now|fully|been|actually))*\s+(?:${enPaidVerb}|settled)\b`,
      '"the invoice was paid", "invoice INV-1001 was settled", "this has already been paid", "it is paid".',
    ),
    rule(
      re`\b(?:payment|amount|money|balance|sum|funds|total)\s+(?:has|have|had|was|were|is)(?:\s+(?:already|now|been))*\s+(?:${enPaidVerb}|${enMoneyVerb})\b`,
      '"the amount was transferred on Friday", "the funds were wired".',
    ),
    rule(re`\b(?:it|this|that)'s(?:\s+already)?\s+been\s+(?:${enPaidVerb}|settled)\b`, '"it\'s been paid".'),
    rule(
      re`\bpayment\s+(?:has\s+been|had\s+been|was|went|is)(?:\s+(?:already|now))?\s+(?:made|sent|done|completed|processed|executed|issued|initiated|released|out|on its way|underway|in transit)\b`,
      '"payment was made yesterday", "the payment is on its way".',
    ),
    rule(re`\b(?:already|allready|alredy)\s+(?:been\s+)?(?:${enPaidVerb}|settled)\b`, '"already paid" in any construction.'),
    rule(re`\b(?:paid|payed|settled)\s+(?:(?:it|this|that|the invoice|in full)\s+)?(?:already|allready)\b`, '"we paid it already".'),
    rule(re`^\W*(?:already\s+)?(?:paid|payed)(?:\s+already)?\W*$`, 'A reply that is just "Paid." or "Already paid!".'),
    rule(re`\bpaid in full\b`, '"paid in full".'),
    rule(
      re`\b(?:proof of payment|remittance advice|payment confirmation|transfer confirmation|payment receipt|remittance slip)\b`,
      'The customer sends (or points to) a remittance advice: they say it is paid.',
    ),
    rule(re`\b(?:check|cheque)\s+(?:is|was|has been)\s+(?:already\s+)?(?:in the mail|mailed|sent|posted)\b`, '"the check is in the mail".'),
  ],
  dispute: [
    rule(
      re`\b(?:this|the|your|that|our)\s+(?:invoice|bill|charge|amount|total|price|pricing|quantity)\s+(?:is|was|seems|looks|appears)(?:\s+to\s+be)?(?:\s+(?:totally|completely|clearly|simply|definitely|still))?\s+(?:wrong|incorrect|not correct|inaccurate|too high|in error|a mistake|an error|false|not right)\b`,
      '"this invoice is wrong", "the amount is incorrect".',
    ),
    rule(
      re`\b(?:wrong|incorrect|inaccurate|false|erroneous)\s+(?:amount|invoice|price|prices|pricing|quantity|quantities|rate|total|vat|tax|billing)\b`,
      '"wrong amount", "incorrect invoice".',
    ),
    rule(
      re`\b(?:we|i)(?:\s+(?:have|had|still))*\s+(?:never|not|did not|didn't|have not|haven't|has not|hasn't|still have not|still haven't)(?:\s+yet)?\s+(?:receive|received|recieved|recived|got|get|gotten)\s+(?:(?:the|any|our|your|these|those|this|all|of|ordered)\s+)*${enGoods}\b`,
      '"we never received the goods", "we haven\'t received the order" (not the invoice: a copy is a request, not a dispute).',
    ),
    rule(
      re`\b${enGoods}\s+(?:was|were|has|have|had)?\s*(?:never|not|not yet)\s+(?:been\s+)?(?:delivered|arrived|received|shipped|provided|performed)\b`,
      '"the goods were never delivered", "the order has not arrived".',
    ),
    rule(re`\bnever\s+(?:arrived|delivered|showed up|turned up)\b`, '"it never arrived".'),
    rule(
      re`\b(?:arrived|were|was|came|is|are)\s+(?:damaged|broken|defective|faulty|incomplete)\b|\b(?:damaged|defective|faulty|broken)\s+(?:goods|items?|products?|parts|delivery|shipment|units?)\b`,
      'Damaged goods: a dispute reason of its own.',
    ),
    rule(
      re`\b(?:we|i)(?:\s+(?:strongly|hereby|must|have to|do))?\s+(?:dispute|contest|reject|object to|challenge|disagree with|am disputing|are disputing|are contesting|are rejecting)\s+(?:this|the|your|that|these)\b`,
      '"we dispute this invoice", "I contest the charge".',
    ),
    rule(
      re`\b(?:do not|don't|cannot|can't)\s+(?:agree with|accept)\s+(?:this|the|your|that|these)\s+(?:invoice|bill|charge|charges|amount|price|prices|reminder)\b`,
      '"we don\'t accept this invoice".',
    ),
    rule(
      re`\b(?:raise|raising|open|opening|file|filing|lodge|lodging|filed|raised|opened)\s+(?:a\s+)?(?:dispute|complaint)\b`,
      '"we have raised a dispute".',
    ),
    rule(
      re`\b(?:our|my)\s+(?:complaint|dispute)\b|\bin dispute\b|\bunder dispute\b|\bis disputed\b|\b(?:have|has)\s+a\s+(?:dispute|complaint)\b|\bdispute\s+(?:regarding|about|over|concerning|on)\b`,
      '"our complaint about the delivery", "this is in dispute", "we have a dispute regarding the pricing".',
    ),
    rule(
      re`\b(?:doesn't|does not|don't|do not|did not|didn't)\s+match\s+(?:what|the|our|your|my)\b`,
      '"the quantity invoiced doesn\'t match what we received".',
    ),
    rule(
      re`\b(?:billed|charged|invoiced)\s+(?:us\s+|me\s+)?twice\b|\bdouble[- ](?:billed|charged|billing|invoiced)\b|\bduplicate\s+(?:invoice|charge|billing|bill)\b`,
      'Duplicate billing.',
    ),
    rule(
      re`\b(?:did not|didn't|never|have not|haven't)\s+(?:order|ordered|purchase|purchased|request|requested|sign up for|agree to)\b|\bnot ordered\b`,
      '"we never ordered this".',
    ),
    rule(
      re`\b(?:no|missing|without a|without any|without)\s+(?:valid\s+)?(?:purchase order|po|po number)\b`,
      'A missing purchase order: a dispute reason finance teams use.',
    ),
    rule(
      re`\bshort[- ](?:delivery|delivered|shipped|shipment)\b|\bonly\s+(?:received|got)\s+\d+\b|\b(?:missing|short)\s+(?:items|parts|quantity|quantities)\b`,
      'Short delivery.',
    ),
    rule(
      re`\bcredit (?:note|memo)\s+(?:is\s+|was\s+)?(?:missing|outstanding|pending|still open|not (?:yet )?(?:applied|deducted|received))\b|\b(?:waiting|still waiting|wait)\s+for\s+(?:a|the|your)\s+credit (?:note|memo)\b`,
      'A credit note they expect is not applied: the balance is contested.',
    ),
    rule(
      re`\b(?:returned|sent back)\s+(?:the|all|these|those|our|your)\s+(?:goods|items|products|order|parts|equipment)\b|\bcancell?ed\s+(?:the|this|our)\s+order\b|\border\s+was\s+cancell?ed\b`,
      'Goods returned or the order cancelled.',
    ),
    rule(re`\bnot what we (?:agreed|were quoted|ordered)\b|\b(?:agreed|quoted) price\b`, 'The price is not the one agreed.'),
  ],
  promise: [
    rule(
      re`\b(?:we|i)(?:'ll|\s+will|\s+shall|\s+are going to|'re going to|\s+am going to|'m going to|\s+plan to|\s+intend to|\s+expect to|\s+can|\s+could)(?:\s+(?:definitely|certainly|then|only|be able to|make sure to))*\s+(?:pay|settle|transfer|wire|remit|clear|process|release)\b`,
      '"we will pay on 15 December", "I\'ll settle it by Friday", "we can pay on the 15th".',
    ),
    rule(
      re`\b(?:we|i)(?:'ll|\s+will|\s+shall)\s+(?:send|make|schedule|initiate|arrange|release)\s+(?:(?:the|a|our|your|full|bank)\s+)*(?:payment|transfer|wire|remittance|money)\b`,
      '"we will make the payment on ...".',
    ),
    rule(
      re`\b(?:invoice|bill|it|this|balance|amount|payment)\s+(?:will|shall)\s+be\s+(?:paid|settled|transferred|made|sent|processed|released|scheduled)\b`,
      '"the invoice will be paid on ...", "payment will be made on ...".',
    ),
    rule(
      re`\b(?:payment|invoice|it|this)\s+(?:is|has been)\s+(?:scheduled|planned|due to go out|set up)\b|\bscheduled for payment\b|\bpayment run\b`,
      '"payment is scheduled for ...", "it goes out with our next payment run on ...".',
    ),
    rule(re`\bpromise to pay\b`, '"we promise to pay".'),
  ],
  autoReplySubject: [
    rule(/\bout of (?:the )?office\b|\booo\b/, 'Outlook and Gmail out-of-office subjects.'),
    rule(
      /\bautomatic reply\b|\bauto[- ]?reply\b|\bautoreply\b|\bauto[- ]?response\b|\bautomated response\b/,
      'Outlook prefixes "Automatic reply:".',
    ),
    rule(/\b(?:on (?:annual )?(?:leave|vacation|holiday)|away from (?:the )?office)\b/, 'Vacation responders name the leave.'),
    rule(/^(?:undeliverable|delivery status notification|mail delivery failed|returned mail)\b/, 'Bounces sent to the reply address.'),
    rule(/^read:\s/, 'Read receipts ("Read: Payment reminder").'),
  ],
  autoReplyBody: [
    rule(
      /\b(?:i am|i'm|i will be|i'll be)\s+(?:currently\s+)?(?:out of (?:the )?office|away from (?:the |my )?(?:office|desk)|on (?:annual |parental |sick )?(?:leave|vacation|holiday))\b/,
      '"I am out of the office until ...".',
    ),
    rule(/\b(?:limited|no) access to (?:my )?e-?mails?\b/, '"with limited access to email".'),
    rule(
      /\bthis is an? (?:automatic|automated|auto-generated)\s+(?:reply|response|message|e-?mail)\b/,
      'Autoresponders say what they are.',
    ),
    rule(
      /\b(?:we have|we've) received your (?:e-?mail|message|request)\b.{0,80}\b(?:ticket|reference|respond|get back)\b/,
      'Help-desk acknowledgements: "we have received your message and will respond".',
    ),
    rule(/\bi will (?:respond|reply|get back to you)\b.{0,40}\b(?:return|back)\b/, '"I will respond when I return".'),
  ],
  months: [
    ['january', 'jan'],
    ['february', 'feb'],
    ['march', 'mar'],
    ['april', 'apr'],
    ['may'],
    ['june', 'jun'],
    ['july', 'jul'],
    ['august', 'aug'],
    ['september', 'sept', 'sep'],
    ['october', 'oct'],
    ['november', 'nov'],
    ['december', 'dec'],
  ],
  weekdays: [['sunday'], ['monday'], ['tuesday'], ['wednesday'], ['thursday'], ['friday'], ['saturday']],
  relativeDays: [
    { pattern: /\bthe day after tomorrow\b/, offset: 2 },
    { pattern: /\btomorrow\b/, offset: 1 },
    { pattern: /\btoday\b/, offset: 0 },
    { pattern: /\byesterday\b/, offset: -1 },
  ],
  ambiguousWeekday: { before: /\bnext(?: week)?(?: on)?\s+$/, after: /^,?\s+(?:of\s+)?next week\b/ },
  endOfMonth: /\b(?:the\s+)?end of (?:the |this )?month\b|\bmonth[- ]end\b/,
};

// ---------------------------------------------------------------------------------------------
// German
// ---------------------------------------------------------------------------------------------

const dePaidParticiple = '(?:bezahlt|gezahlt|ue?berwiesen|beglichen|ausgeglichen|angewiesen)';
const deGoods = '(?:ware|waren|lieferung|leistung|leistungen|bestellung|artikel|sendung|paket|material|gerat|gerate)';

const de: LanguagePhrases = {
  commonWords: [
    'wir',
    'die',
    'der',
    'das',
    'und',
    'ist',
    'sind',
    'haben',
    'nicht',
    'bitte',
    'danke',
    'mit',
    'sehr',
    'ihre',
    'unsere',
    'noch',
    'wird',
  ],
  negators: /\b(?:nicht|nie|niemals|kein|keine|keinen|keiner|keinem|keines)\b/,
  paymentClaimed: [
    rule(
      re`\b(?:haben|habe|hab|hat|hatten|hatte)\b${GAP(8)}\s+${dePaidParticiple}\b`,
      '"Wir haben die Rechnung am 01.12. überwiesen", "habe ich gestern bezahlt": perfect tense, verb last.',
    ),
    rule(
      re`\b(?:ist|sind|wurde|wurden|war|waren)\b${GAP(6)}\s+(?:bezahlt|gezahlt|ue?berwiesen|beglichen|ausgeglichen)\b`,
      '"Die Rechnung ist bereits bezahlt", "wurde gestern überwiesen".',
    ),
    rule(
      re`\b(?:zahlung|ue?berweisung|betrag|geld)\b${GAP(3)}\s+(?:ist|sind|wurde|wurden|war)\b${GAP(5)}\s+(?:erfolgt|ausgefuhrt|ausgefuehrt|veranlasst|getatigt|getaetigt|raus|unterwegs|angewiesen|erledigt|gebucht)\b`,
      '"Die Zahlung ist erfolgt", "die Überweisung wurde gestern ausgeführt" (with ist/wurde: "Zahlung erfolgt am 15.12." is a promise).',
    ),
    rule(
      re`\b(?:haben|habe|hat)\b${GAP(3)}\s+(?:die\s+|eine\s+|unsere\s+)?(?:zahlung|ue?berweisung)\b${GAP(4)}\s+(?:veranlasst|getatigt|getaetigt|ausgefuhrt|ausgefuehrt|vorgenommen|angewiesen|erledigt)\b`,
      '"Wir haben die Überweisung am Montag veranlasst".',
    ),
    rule(
      re`\b(?:bereits|schon|langst|laengst)\b${GAP(4)}\s+${dePaidParticiple}\b`,
      '"Rechnung bereits bezahlt." (telegraphic, no auxiliary).',
    ),
    rule(
      re`^\W*(?:(?:rechnung|betrag)\s+)?(?:bezahlt|ue?berwiesen|beglichen)\W*$`,
      'A reply that is just "Bezahlt." or "Rechnung beglichen.".',
    ),
    rule(
      re`\b(?:zahlungsbestatigung|zahlungsbestaetigung|zahlungsnachweis|ue?berweisungsbeleg|ue?berweisungsbestatigung|zahlungsbeleg)\b`,
      'A payment confirmation attached or mentioned.',
    ),
  ],
  dispute: [
    rule(
      re`\brechnung\b${GAP(3)}\s+(?:ist|war|scheint)(?:\s+(?:leider|so|ganz|einfach|offensichtlich|ausserdem|trotzdem|auch|zudem|aber))?\s+(?:falsch|fehlerhaft|unrichtig|inkorrekt|nicht korrekt|nicht richtig|zu hoch|unvollstandig)\b`,
      '"Die Rechnung ist falsch/fehlerhaft".',
    ),
    rule(
      re`\b(?:falsche|fehlerhafte|falscher|fehlerhafter|falschen|fehlerhaften|unrichtige|unrichtigen)\s+(?:rechnung|betrag|betrages|rechnungsbetrag|preis|preise|menge|mengen|abrechnung|berechnung)\b`,
      '"falscher Betrag", "fehlerhafte Rechnung".',
    ),
    rule(
      re`\b(?:betrag|preis|preise|menge|summe|rechnungsbetrag|berechnung)\b${GAP(2)}\s+(?:stimmt|stimmen|ist|sind)\s+(?:so\s+|leider\s+)?(?:nicht|falsch|zu hoch)\b`,
      '"Der Betrag stimmt nicht".',
    ),
    rule(re`\b(?:widerspruch|widersprechen|widersprochen|einspruch)\b`, '"Wir legen Widerspruch ein", "wir widersprechen der Rechnung".'),
    rule(
      re`\b(?:nicht|nie|niemals)\s+(?:bei\s+(?:ihnen|uns)\s+|von\s+uns\s+)?(?:bestellt|beauftragt|geordert)\b`,
      '"Das haben wir nie bestellt".',
    ),
    rule(
      re`\b${deGoods}\b${GAP(4)}\s+(?:nie|nicht|noch nicht|niemals)\s+(?:\S+\s+)?(?:angekommen|geliefert|erhalten|eingetroffen|eingegangen|erbracht|erfolgt|zugestellt|bekommen)\b`,
      '"Die Ware ist nie angekommen", "Lieferung ist noch nicht erfolgt".',
    ),
    rule(re`\b(?:nie|nicht|keine|keinen)\s+(?:eine\s+)?${deGoods}\s+(?:erhalten|bekommen)\b`, '"Wir haben nie eine Lieferung erhalten".'),
    rule(re`\b(?:beschadigt|beschaedigt|defekt|mangelhaft|kaputt)\w*\b`, 'Damaged or faulty goods.'),
    rule(
      re`\b(?:reklamation|reklamieren|reklamiert|beanstandung|beanstanden|beanstandet|bestreiten|nicht einverstanden)\b`,
      '"Wir haben die Lieferung reklamiert", "nicht einverstanden".',
    ),
    rule(
      re`\bdoppelt\s+(?:berechnet|abgerechnet|in rechnung gestellt|fakturiert|belastet)\b|\bdoppelte[rn]?\s+(?:rechnung|berechnung|abrechnung)\b`,
      'Duplicate billing.',
    ),
    rule(
      re`\bgutschrift\b${GAP(3)}\s+(?:fehlt|steht noch aus|ausstehend|nicht beruecksichtigt|nicht berucksichtigt|nicht verrechnet|nicht abgezogen)\b|\b(?:fehlende|ausstehende)\s+gutschrift\b`,
      'An expected credit note is missing.',
    ),
    rule(
      re`\b(?:lieferung|ware|sendung|bestellung)\b${GAP(3)}\s+(?:war|ist|kam)\s+(?:\S+\s+)?(?:unvollstandig|unvollstaendig)\b|\bteillieferung\b`,
      'Short delivery: "die Lieferung war unvollständig".',
    ),
    rule(
      re`\b(?:storniert|zuruckgeschickt|zurueckgeschickt|retourniert|zuruckgesandt|zurueckgesandt)\b`,
      'Order cancelled or goods returned.',
    ),
    rule(re`\b(?:ohne|keine|fehlende)\s+(?:gultige\s+)?(?:bestellnummer|po-nummer|po nummer|bestellung)\b`, 'No purchase order.'),
    rule(re`\bnicht\s+(?:der|dem|den|die)?\s*vereinbarte?n?\b|\bnicht vereinbart\b`, 'Not the agreed price or terms.'),
  ],
  promise: [
    rule(
      re`\b(?:wir|ich)\s+(?:werden|werde|konnen|koennen|kann|wollen|will|mochten|moechten)\b${GAP(6)}\s+(?:bezahlen|zahlen|ue?berweisen|begleichen|ausgleichen|anweisen)\b`,
      '"Wir werden die Rechnung bis zum 15.12. begleichen", "wir können am 15.12. zahlen".',
    ),
    rule(
      re`\b(?:wir|ich)\s+(?:zahlen|bezahlen|ue?berweisen|begleichen|zahle|bezahle|ue?berweise|begleiche)\b|\b(?:zahlen|bezahlen|ue?berweisen|begleichen|zahle|bezahle|ue?berweise|begleiche)\s+(?:wir|ich)\b`,
      '"Wir überweisen bis zum 15.12.", "den Betrag überweisen wir am Freitag": German uses the present for the future.',
    ),
    rule(
      re`\b(?:wird|werden)\b${GAP(6)}\s+(?:bezahlt|ue?berwiesen|beglichen|ausgeglichen|angewiesen)\b`,
      '"Die Rechnung wird am 15.12. bezahlt".',
    ),
    rule(re`\b(?:zahlung|ue?berweisung)\s+(?:erfolgt|wird|kommt|geht)\b`, '"Die Zahlung erfolgt am 15.12.".'),
    rule(
      re`\b(?:zahlung|ue?berweisung)\b${GAP(4)}\s+(?:eingeplant|terminiert|vorgemerkt|disponiert)\b`,
      '"Wir haben die Zahlung für den 15.12. eingeplant".',
    ),
    rule(re`\b(?:zahlungslauf|zahllauf)\b`, '"mit dem nächsten Zahlungslauf am 15.12.".'),
  ],
  autoReplySubject: [
    rule(/\babwesenheitsnotiz\b|\babwesenheit\b|\babwesend\b/, 'Outlook in German: "Abwesenheitsnotiz".'),
    rule(/\bautomatische (?:antwort|ruckantwort|rueckantwort)\b|\bautom\. antwort\b/, 'Outlook in German: "Automatische Antwort:".'),
    rule(/\bnicht im (?:buro|buero)\b|\bim urlaub\b/, 'Vacation subjects.'),
    rule(/^(?:unzustellbar|nicht zustellbar)\b/, 'Bounces sent to the reply address.'),
    rule(/^gelesen:\s/, 'Read receipts.'),
  ],
  autoReplyBody: [
    rule(
      /\bich bin\b.{0,60}\b(?:nicht im (?:buro|buero)|abwesend|im urlaub|nicht erreichbar|ausser haus)\b/,
      '"Ich bin bis zum 15.12. nicht im Büro".',
    ),
    rule(
      /\bab dem\b.{0,40}\bwieder\b.{0,20}\b(?:erreichbar|im (?:buro|buero)|da)\b|\bwieder erreichbar\b/,
      '"Ab dem 15.12. bin ich wieder erreichbar".',
    ),
    rule(/\bin dringenden fallen\b|\bin dringenden faellen\b/, '"In dringenden Fällen wenden Sie sich an ...".'),
    rule(
      /\bdiese (?:e-?mail|nachricht) wurde automatisch\b|\bautomatisch (?:generiert|erstellt|versendet)\b/,
      'Autoresponders say what they are.',
    ),
    rule(/\bihre (?:e-?mail|nachricht|anfrage) ist (?:bei uns )?eingegangen\b/, 'Help-desk acknowledgements.'),
  ],
  months: [
    ['januar', 'janner', 'jan'],
    ['februar', 'feber', 'feb'],
    ['marz', 'maerz', 'mrz'],
    ['april', 'apr'],
    ['mai'],
    ['juni', 'jun'],
    ['juli', 'jul'],
    ['august', 'aug'],
    ['september', 'sept', 'sep'],
    ['oktober', 'okt'],
    ['november', 'nov'],
    ['dezember', 'dez'],
  ],
  weekdays: [['sonntag'], ['montag'], ['dienstag'], ['mittwoch'], ['donnerstag'], ['freitag'], ['samstag', 'sonnabend']],
  relativeDays: [
    { pattern: /\b(?:ubermorgen|uebermorgen)\b/, offset: 2 },
    // "Guten Morgen", "heute Morgen", "am Morgen" are the morning, not tomorrow.
    { pattern: /(?<!\b(?:guten|heute|gestern|jeden|am|den|einen)\s+)\bmorgen\b/, offset: 1 },
    { pattern: /\bheute\b/, offset: 0 },
    { pattern: /\bvorgestern\b/, offset: -2 },
    { pattern: /\bgestern\b/, offset: -1 },
  ],
  ambiguousWeekday: { before: /\b(?:nachste[nr]?|naechste[nr]?)(?: woche)?(?: am)?\s+$/, after: /^,?\s+(?:nachste|naechste) woche\b/ },
  endOfMonth: /\b(?:zum\s+|bis\s+)?(?:monatsende|ende (?:des|dieses) monats)\b/,
};

// ---------------------------------------------------------------------------------------------
// French
// ---------------------------------------------------------------------------------------------

const frFuture = 'sera|seront|va|vont|allons|pourra|pourrons|devrait|devra';
const frPaidWords = 'paye|payee|payes|payees|regle|reglee|regles|reglees|vire|viree|transfere|transferee|acquitte|acquittee|solde|soldee';
// "Réglé" is also "sorted out": "nous avons réglé le problème" is no payment.
const frPaidParticiple = `(?:${frPaidWords})\\b(?!\\s+(?:le|ce|ces|les|votre|notre|un|une|la|cette)\\s+(?:probleme|souci|litige|differend|question|malentendu|dossier)s?\\b)`;
const frGoods = '(?:marchandises?|commandes?|livraisons?|produits?|articles?|materiel|colis|prestations?|pieces?)';

const fr: LanguagePhrases = {
  commonWords: [
    'nous',
    'vous',
    'le',
    'les',
    'et',
    'est',
    'avons',
    'pas',
    'merci',
    'bonjour',
    'cordialement',
    'votre',
    'notre',
    'une',
    'pour',
    'sur',
    'avec',
  ],
  negators: /\b(?:pas|jamais|ne|aucun|aucune|non)\b|\bn'/,
  paymentClaimed: [
    rule(re`\b(?:deja|bien)\s+(?:ete\s+)?(?:${frPaidWords}|effectue|effectuee)\b`, '"déjà payé", "a bien été réglée".'),
    rule(
      re`\b(?:avons|ai|a|avions|avait|ont)\b${PAST_GAP(4, frFuture)}\s+${frPaidParticiple}`,
      '"nous avons réglé", "j\'ai payé hier", "la facture a été payée".',
    ),
    rule(
      re`\bfacture\s+(?:deja\s+)?(?:reglee|payee|acquittee|soldee)\b|^\W*(?:deja\s+)?(?:paye|regle)e?\W*$`,
      '"Facture réglée.", "Payé." (telegraphic).',
    ),
    rule(
      re`\b(?:facture|montant|somme|solde|elle|tout|paiement|reglement)\b${GAP(2)}\s+(?:est|sont|etait|fut)\s+(?:deja\s+|bien\s+)?${frPaidParticiple}`,
      '"la facture est réglée", "elle est payée" (not "le problème est réglé").',
    ),
    rule(
      re`\b(?:virement|paiement|reglement|versement)\b${PAST_GAP(4, frFuture)}\s+(?:effectue|effectuee|fait|envoye|emis|passe|realise|execute|parti)\b`,
      '"virement effectué", "le paiement a été fait hier" (not "sera effectué": that is a promise).',
    ),
    rule(
      re`\b(?:avons|ai)\s+(?:deja\s+|bien\s+)?(?:procede|effectue|fait|envoye|emis|realise|execute)\s+(?:au|le|un|notre)\s+(?:paiement|virement|reglement|versement)\b`,
      '"nous avons procédé au paiement", "nous avons effectué le virement".',
    ),
    rule(re`\bc'est\s+(?:deja\s+)?(?:regle|paye)\b`, '"c\'est réglé".'),
    rule(
      re`\b(?:preuve|justificatif|avis|confirmation)\s+de\s+(?:paiement|virement|reglement)\b`,
      'A proof of payment attached or mentioned.',
    ),
  ],
  dispute: [
    rule(
      re`\bfacture\b${GAP(3)}\s+(?:est|semble|etait)\s+(?:\S+\s+)?(?:erronee|incorrecte|fausse|inexacte|errone)\b|\bfacture\s+(?:erronee|incorrecte|fausse|inexacte)\b`,
      '"cette facture est erronée", "facture incorrecte".',
    ),
    rule(re`\berreur\s+(?:sur|dans)\s+(?:la|votre|cette)\s+facture\b`, '"une erreur sur la facture".'),
    rule(
      re`\b(?:montant|prix|quantite|total)\b${GAP(2)}\s+(?:est\s+|sont\s+|etait\s+)?(?:errone|erronee|incorrect|incorrecte|faux|fausse|inexact|trop eleve)\b|\b(?:mauvais|faux)\s+(?:montant|prix)\b`,
      '"le montant est incorrect", "mauvais montant".',
    ),
    rule(
      re`\b(?:contestons|conteste|contester|contestation|litige|reclamation|desaccord)\b`,
      '"nous contestons cette facture", "litige", "réclamation".',
    ),
    rule(
      re`\b(?:jamais|pas)\s+(?:encore\s+)?recu(?:e|s|es)?\s+(?:la|les|le|votre|notre|nos|vos|de|d'|aucune?)\s*${frGoods}\b`,
      '"nous n\'avons jamais reçu la marchandise" (not the invoice: a copy is a request).',
    ),
    rule(re`\b(?:jamais|pas)\s+commande(?:e|s|es)?\b`, '"nous n\'avons jamais commandé".'),
    rule(
      re`\b${frGoods}\b${GAP(4)}\s+(?:jamais|pas)\s+(?:\S+\s+)?(?:arrivee?s?|livree?s?|recue?s?)\b`,
      '"la commande n\'est jamais arrivée".',
    ),
    rule(re`\b(?:endommage|abime|defectueu|casse)\w*\b`, 'Damaged goods.'),
    rule(re`\bfactur(?:e|ee|es)\s+deux fois\b|\bdouble facturation\b|\bfacture en double\b|\bdoublon\b`, 'Duplicate billing.'),
    rule(
      re`(?:\bl'|\b(?:un|votre|cet|notre)\s+)avoir\b${GAP(3)}\s+(?:manquant|attendu|non recu|pas recu|en attente)\b`,
      'An expected credit note is missing.',
    ),
    rule(re`\b(?:pas|plus)\s+d'accord\b`, '"nous ne sommes pas d\'accord".'),
    rule(
      re`\b(?:retourne|retournee|renvoye|renvoyee|annule|annulee)\s+(?:la|les|le|notre|cette)\s+(?:commande|marchandise|produits?|articles?)\b|\bcommande\s+(?:a ete\s+)?annulee\b`,
      'Goods returned or the order cancelled.',
    ),
    rule(re`\b(?:livraison|commande|marchandise)\b${GAP(2)}\s+(?:est\s+|etait\s+)?(?:incomplete|partielle)\b`, 'Short delivery.'),
    rule(re`\bsans\s+bon\s+de\s+commande\b`, 'No purchase order.'),
  ],
  promise: [
    rule(
      re`\b(?:nous|je)\s+(?:reglerons|payerons|paierons|verserons|effectuerons|procederons|virerons|solderons|reglerai|payerai|paierai|effectuerai|procederai)\b`,
      '"nous réglerons le 15/12", "je paierai vendredi".',
    ),
    rule(
      re`\b(?:nous allons|je vais|on va|nous pouvons|nous pourrons|je peux|je pourrai)\s+(?:\S+\s+){0,2}?(?:regler|payer|virer|effectuer|proceder|verser|solder)\b`,
      '"nous allons régler la facture le 15 décembre".',
    ),
    rule(
      re`\b(?:sera|seront)\s+(?:\S+\s+){0,2}?(?:regle|reglee|paye|payee|vire|viree|effectue|effectuee|verse|versee|solde|soldee)\b`,
      '"le virement sera effectué le 15/12".',
    ),
    rule(re`\b(?:paiement|virement|reglement)\s+(?:interviendra|partira|est prevu|aura lieu)\b`, '"le paiement interviendra le ...".'),
  ],
  autoReplySubject: [
    rule(/\breponse automatique\b|\bmessage automatique\b/, 'Outlook in French: "Réponse automatique :".'),
    rule(/\babsen(?:ce|t|te)\b|\bhors du bureau\b|\ben conges?\b/, '"Absence du bureau", "Absent(e)", "En congé".'),
    rule(/^(?:non remis|non distribuable)\b/, 'Bounces sent to the reply address.'),
    rule(/^lu\s?:\s/, 'Read receipts.'),
  ],
  autoReplyBody: [
    rule(
      /\bje suis\b.{0,40}\b(?:absente?|en conges?|hors du bureau|en vacances|en deplacement)\b/,
      '"Je suis absente jusqu\'au 15 décembre".',
    ),
    rule(/\bje serai de retour\b|\bde retour le\b/, '"Je serai de retour le ...".'),
    rule(/\ben cas d'urgence\b/, '"En cas d\'urgence, contactez ...".'),
    rule(
      /\b(?:ceci est|ce message est) une? (?:reponse|message) automatique\b|\breponse automatique\b/,
      'Autoresponders say what they are.',
    ),
    rule(/\bnous avons bien recu votre (?:message|e-?mail|courriel|demande)\b/, 'Help-desk acknowledgements.'),
  ],
  months: [
    ['janvier', 'janv', 'jan'],
    ['fevrier', 'fevr', 'fev'],
    ['mars'],
    ['avril', 'avr'],
    ['mai'],
    ['juin'],
    ['juillet', 'juil'],
    ['aout'],
    ['septembre', 'sept'],
    ['octobre', 'oct'],
    ['novembre', 'nov'],
    ['decembre', 'dec'],
  ],
  weekdays: [['dimanche'], ['lundi'], ['mardi'], ['mercredi'], ['jeudi'], ['vendredi'], ['samedi']],
  relativeDays: [
    { pattern: /\bapres[- ]demain\b/, offset: 2 },
    { pattern: /\bdemain\b/, offset: 1 },
    { pattern: /\baujourd'hui\b/, offset: 0 },
    { pattern: /\bavant[- ]hier\b/, offset: -2 },
    { pattern: /\bhier\b/, offset: -1 },
  ],
  ambiguousWeekday: { before: /\bsemaine prochaine,?\s+$/, after: /^\s+(?:prochain|de la semaine prochaine)\b/ },
  endOfMonth: /\b(?:a la\s+)?fin (?:du|de ce|de) mois\b/,
};

// ---------------------------------------------------------------------------------------------
// Spanish
// ---------------------------------------------------------------------------------------------

const esFuture = 'sera|seran|va|vamos|van|podra|podremos|debera';
const esPaidWords = 'pagad[oa]s?|abonad[oa]s?|transferid[oa]s?|liquidad[oa]s?|saldad[oa]s?|ingresad[oa]s?';
const esPaidParticiple = `(?:${esPaidWords})`;
const esGoods = '(?:mercancias?|mercaderias?|pedidos?|productos?|material|materiales|articulos?|servicios?|envios?|entregas?|paquetes?)';

const es: LanguagePhrases = {
  commonWords: [
    'nosotros',
    'el',
    'los',
    'las',
    'y',
    'es',
    'hemos',
    'gracias',
    'hola',
    'saludos',
    'su',
    'nuestra',
    'nuestro',
    'por',
    'ya',
    'con',
    'una',
    'del',
    'esta',
  ],
  negators: /\b(?:no|nunca|jamas|tampoco|ningun|ninguna|ninguno)\b/,
  paymentClaimed: [
    rule(
      re`\bya\b${PAST_GAP(3, esFuture)}\s+(?:${esPaidWords}|pagamos|pague|abonamos|transferimos|liquidamos|ingresamos)\b`,
      '"ya hemos pagado", "ya está pagada", "ya lo pagamos".',
    ),
    rule(
      re`\b(?:hemos|he|ha|han|habiamos|fue|fueron|esta|estan)\b${PAST_GAP(3, esFuture)}\s+${esPaidParticiple}\b`,
      '"hemos pagado la factura", "la factura fue pagada", "ha sido abonada".',
    ),
    rule(
      re`\b(?:transferencia|pago|abono|ingreso)\b${PAST_GAP(3, esFuture)}\s+(?:realizad[oa]|efectuad[oa]|hech[oa]|enviad[oa]|emitid[oa]|ordenad[oa]|completad[oa])\b`,
      '"transferencia realizada", "el pago fue efectuado ayer".',
    ),
    rule(
      re`\b(?:hicimos|efectuamos|realizamos|enviamos|ordenamos)\s+(?:el|la|una|un)\s+(?:pago|transferencia|abono|ingreso)\b`,
      '"hicimos la transferencia el lunes".',
    ),
    rule(
      re`\b(?:pagamos|abonamos|transferimos|pague|transferi)\b${GAP(4)}\s+(?:ayer|anteayer|el pasado|la semana pasada|hace)\b`,
      '"pagamos la factura ayer" (without "ayer" the present "pagamos" is a habit or a plan, not a claim).',
    ),
    rule(
      re`\b(?:pago|transferencia|abono|factura)\s+se\s+(?:realizo|efectuo|hizo|envio|ordeno|pago|abono)\b|\b(?:hemos|he)\s+(?:hecho|realizado|efectuado|enviado|ordenado|emitido)\s+(?:el|la|un|una)\s+(?:pago|transferencia|abono|ingreso)\b`,
      '"el pago se realizó el 3 de diciembre", "hemos hecho la transferencia".',
    ),
    rule(re`^\W*(?:ya\s+)?(?:pagad[oa]|abonad[oa])\W*$`, 'A reply that is just "Pagado.".'),
    rule(re`\b(?:comprobante|justificante|confirmacion)\s+de\s+(?:pago|transferencia)\b`, 'A proof of payment attached or mentioned.'),
  ],
  dispute: [
    rule(
      re`\bfactura\b${GAP(3)}\s+(?:es|esta|parece)\s+(?:\S+\s+)?(?:incorrecta|erronea|equivocada|duplicada|mal)\b|\bfactura\s+(?:incorrecta|erronea|equivocada|duplicada)\b`,
      '"la factura es incorrecta", "factura incorrecta".',
    ),
    rule(re`\berror\s+en\s+(?:la|su|esta)\s+factura\b`, '"hay un error en la factura".'),
    rule(
      re`\b(?:importe|monto|precio|cantidad|total)\b${GAP(2)}\s+(?:es\s+|esta\s+|son\s+|estan\s+)?(?:incorrect[oa]s?|erroneos?|erroneas?|equivocad[oa]s?|mal)\b`,
      '"el importe es incorrecto", "cantidad incorrecta".',
    ),
    rule(
      re`\bno\s+(?:lo\s+|la\s+|los\s+)?(?:hemos|he|habiamos)\s+(?:recibido|pedido|solicitado|encargado)\s+(?:(?:la|el|los|las|ningun|ninguna|nada|esa|ese|esta|este|dicho|dicha|de)\s+)*${esGoods}\b`,
      '"no hemos recibido la mercancía" (not the invoice: a copy is a request).',
    ),
    rule(
      re`\bnunca\s+(?:recibimos|hemos recibido|llego|llegaron|pedimos|hemos pedido)\b|\bno\s+(?:lo\s+|la\s+|los\s+)?(?:pedimos|solicitamos|encargamos|hemos pedido|hemos solicitado)\b`,
      '"nunca recibimos el pedido", "no lo pedimos".',
    ),
    rule(
      re`\b${esGoods}\b${GAP(3)}\s+(?:danad[oa]s?|defectuos[oa]s?|rot[oa]s?|estropead[oa]s?|incomplet[oa]s?)\b|\b(?:danad[oa]s|defectuos[oa]s?)\b`,
      'Damaged goods.',
    ),
    rule(
      re`\b(?:reclamacion|reclamamos|reclamar|disputa|disputamos|impugnamos|impugnar|impugnacion|objetamos|rechazamos)\b`,
      '"rechazamos la factura", "hemos abierto una reclamación".',
    ),
    rule(re`\bno\s+estamos\s+de\s+acuerdo\b|\bdesacuerdo\b`, '"no estamos de acuerdo".'),
    rule(
      re`\b(?:facturad[oa]|cobrad[oa])s?\s+dos\s+veces\b|\b(?:cargo|cobro)\s+duplicado\b|\bdoble\s+(?:facturacion|cobro|cargo)\b`,
      'Duplicate billing.',
    ),
    rule(
      re`\bnota de (?:credito|abono)\b${GAP(3)}\s+(?:pendiente|falta|no aplicad[oa]|no recibid[oa])\b`,
      'An expected credit note is missing.',
    ),
    rule(
      re`\b(?:devolvimos|hemos devuelto|cancelamos el pedido|hemos cancelado el pedido|anulamos el pedido)\b|\bpedido\s+(?:fue\s+)?(?:cancelado|anulado)\b`,
      'Goods returned or the order cancelled.',
    ),
    rule(
      re`\b(?:cobrad[oa]s?|facturad[oa]s?)\s+de\s+mas\b|\b(?:entrega|pedido|envio)\b${GAP(2)}\s+(?:esta\s+|estaba\s+|llego\s+)?incomplet[oa]\b`,
      'Overcharged, or a short delivery.',
    ),
    rule(re`\bsin\s+orden\s+de\s+compra\b`, 'No purchase order.'),
  ],
  promise: [
    rule(
      re`\b(?:pagaremos|pagare|abonaremos|abonare|transferiremos|transferire|liquidaremos|liquidare|ingresaremos|saldaremos)\b|\b(?:realizaremos|efectuaremos|haremos|enviaremos)\s+(?:el|la)\s+(?:pago|transferencia|abono|ingreso)\b`,
      '"pagaremos el 15 de diciembre", "realizaremos la transferencia el viernes".',
    ),
    rule(
      re`\b(?:vamos a|voy a|podemos|podremos|puedo|podre)\s+(?:\S+\s+){0,2}?(?:pagar|abonar|transferir|liquidar|saldar|ingresar)\b|\b(?:vamos a|voy a)\s+(?:realizar|efectuar|hacer)\s+(?:el|la)\s+(?:pago|transferencia)\b`,
      '"vamos a pagar la factura el lunes".',
    ),
    rule(re`\bse\s+(?:pagara|abonara|transferira|liquidara|realizara|efectuara)\b`, '"se pagará el 15/12".'),
    rule(
      re`\b(?:pago|transferencia)\s+(?:se\s+)?(?:realizara|efectuara|hara|sera)\b|\b(?:esta|queda)\s+(?:programad[oa]|previst[oa])\b`,
      '"el pago se realizará el ...", "la transferencia está programada para el ...".',
    ),
  ],
  autoReplySubject: [
    rule(/\brespuesta automatica\b|\bmensaje automatico\b/, 'Outlook in Spanish: "Respuesta automática:".'),
    rule(/\bfuera de (?:la )?oficina\b|\bausencia\b|\bausente\b|\bde vacaciones\b/, '"Fuera de la oficina", "Ausente".'),
    rule(/^(?:no entregado|no se puede entregar|imposible entregar)\b/, 'Bounces sent to the reply address.'),
    rule(/^leido:\s/, 'Read receipts.'),
  ],
  autoReplyBody: [
    rule(
      /\b(?:estoy|estare|me encuentro)\b.{0,40}\b(?:fuera de (?:la )?oficina|de vacaciones|ausente|de viaje)\b/,
      '"Estoy fuera de la oficina hasta el 15 de diciembre".',
    ),
    rule(/\b(?:volvere|regresare|estare de vuelta)\b/, '"Volveré el lunes".'),
    rule(/\ben caso de urgencia\b/, '"En caso de urgencia, contacte con ...".'),
    rule(/\b(?:esta es una|este es un) (?:respuesta|mensaje) automatic[oa]\b/, 'Autoresponders say what they are.'),
    rule(/\bhemos recibido (?:su|tu) (?:mensaje|correo|e-?mail|solicitud|consulta)\b/, 'Help-desk acknowledgements.'),
  ],
  months: [
    ['enero', 'ene'],
    ['febrero', 'feb'],
    ['marzo', 'mar'],
    ['abril', 'abr'],
    ['mayo', 'may'],
    ['junio', 'jun'],
    ['julio', 'jul'],
    ['agosto', 'ago'],
    ['septiembre', 'setiembre', 'sept', 'sep'],
    ['octubre', 'oct'],
    ['noviembre', 'nov'],
    ['diciembre', 'dic'],
  ],
  weekdays: [['domingo'], ['lunes'], ['martes'], ['miercoles'], ['jueves'], ['viernes'], ['sabado']],
  relativeDays: [
    { pattern: /\bpasado manana\b/, offset: 2 },
    // "esta mañana", "por la mañana" are the morning, not tomorrow.
    { pattern: /(?<!\b(?:esta|la|una|cada|las|buenas)\s+)\bmanana\b/, offset: 1 },
    { pattern: /\bhoy\b/, offset: 0 },
    { pattern: /\b(?:anteayer|antier)\b/, offset: -2 },
    { pattern: /\bayer\b/, offset: -1 },
  ],
  ambiguousWeekday: { before: /\bproximo\s+$/, after: /^\s+(?:que viene|proximo|de la (?:semana )?(?:proxima|que viene)(?: semana)?)\b/ },
  endOfMonth: /\b(?:a\s+)?(?:fin|final|finales) de(?:l)? mes\b/,
};

export const phrases: Readonly<Record<ReplyLanguage, LanguagePhrases>> = { en, de, fr, es };
