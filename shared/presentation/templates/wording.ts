import type { Tone } from '#domain/policy.ts';

/**
 * Who is asking for the money: the finance team's organisation, named in every message (sign-off,
 * From display name, SMS) and on the hosted pages, with where to ask questions.
 */
export interface Creditor {
  /** The organisation's name as customers know it, e.g. "Acme Supplies Ltd". */
  readonly name: string;
  /** An email address, a phone number or an https:// URL; optional. */
  readonly contact?: string | undefined;
}

/** Subject line and opening paragraph of a message. */
export interface Opening {
  readonly subject: string;
  readonly lead: string;
}

/** What an SMS says, already formatted for the reader except where the language decides otherwise. */
export interface SmsFacts {
  readonly tone: Tone;
  readonly invoiceId: string;
  /** The balance in minor units, never negative. */
  readonly balanceMinor: number;
  readonly currency: string;
  /** The due date as stored, YYYY-MM-DD. */
  readonly dueDate: string;
  /** The customer's locale, canonical and known to Intl. */
  readonly locale: string;
  readonly payUrl: string;
  /** The acknowledgement of a partial payment (smsReceived), placed before the link; absent when none. */
  readonly received?: string | undefined;
}

/** Payments since the last message, formatted for the reader: their total, the latest day, what remains. */
export interface ReceivedFacts {
  readonly amount: string;
  readonly date: string;
  readonly remaining: string;
  /** How many payments the total adds up (1 reads "on <date>", more "the latest on <date>"). */
  readonly payments: number;
}

/**
 * Everything a customer reads, in one language. Values arrive formatted for the customer's full
 * locale (amounts, dates, quantities); the wording only places them. One file per language.
 */
export interface Wording {
  /** The language the texts are written in (BCP 47 language subtag). */
  readonly language: string;
  readonly greeting: (name: string) => string;
  /** A labelled value in the text part: "Due date: …" (French puts a no-break space before the colon). */
  readonly field: (label: string, value: string) => string;
  /** The heading of a list in the text part: "Invoice lines:". */
  readonly listLabel: (label: string) => string;
  readonly reminder: {
    readonly beforeDue: Readonly<Record<Tone, (invoiceId: string) => Opening>>;
    readonly afterDue: Readonly<Record<Tone, (invoiceId: string) => Opening>>;
    /** The formal demand: the last word before a collection agency. */
    readonly formal: (invoiceId: string) => Opening;
    readonly closing: string;
  };
  readonly installment: {
    readonly subject: (number: number, of: number, invoiceId: string) => string;
    readonly lead: (number: number, of: number) => string;
    /** "1 of 2", for the facts table. */
    readonly position: (number: number, of: number) => string;
  };
  readonly thankYou: {
    readonly subject: (invoiceId: string) => string;
    readonly lead: (amount: string, invoiceId: string) => string;
    readonly closing: string;
  };
  readonly combined: {
    readonly subject: (tone: Tone, overdue: boolean, count: number) => string;
    readonly lead: (tone: Tone) => string;
    /** One invoice of the list, as a line of the text part: "Invoice X: €1.00, due 1 May 2026". */
    readonly summary: (invoiceId: string, amount: string, dueDate: string) => string;
    readonly closing: string;
  };
  readonly labels: {
    readonly invoice: string;
    readonly amountDue: string;
    readonly dueDate: string;
    readonly poNumber: string;
    readonly installment: string;
    readonly amount: string;
    readonly remainingBalance: string;
    readonly amountReceived: string;
    readonly paidOn: string;
    readonly lines: string;
    readonly description: string;
    readonly quantity: string;
    readonly unitPrice: string;
    readonly totalDue: string;
    readonly payment: string;
  };
  /** Label of the pay link in the text part ("Pay online: https://..."). */
  readonly payOnline: string;
  /** The pay button. */
  readonly payNow: (amount: string) => string;
  /** The pay link of one invoice in a list (each link names its invoice). */
  readonly payInvoice: (invoiceId: string) => string;
  readonly dispute: string;
  readonly promise: string;
  /** The communication-preferences page (turn email or SMS off). */
  readonly preferences: string;
  /** One invoice line in the text part. */
  readonly line: (description: string, quantity: string, unitPrice: string) => string;
  /** The sign-off above the creditor's name: "Kind regards,". */
  readonly signOff: string;
  /** The line that says where to ask: "Questions? Contact us at billing@acme.example". */
  readonly contact: (contact: string) => string;
  /** A partial payment acknowledged, once, in the next message: "We received € on … — thank you. € remains due." */
  readonly received: (facts: ReceivedFacts) => string;
  /** The same, short, for an SMS (the balance is already in it): "Received 400.00 EUR on 12 Dec, thanks." */
  readonly smsReceived: (facts: {
    /** The total of several payments: a BigInt sum. */
    readonly amountMinor: number | bigint;
    readonly currency: string;
    /** The day of the latest payment where the customer is, YYYY-MM-DD. */
    readonly paidOn: string;
    readonly locale: string;
  }) => string;
  /** The whole SMS; the caller reduces it to GSM-7. */
  readonly sms: (facts: SmsFacts) => string;
  /** The thank-you by SMS, for a customer email cannot reach: the invoice and the amount received. */
  readonly smsThanks: (facts: {
    readonly invoiceId: string;
    readonly paidMinor: number;
    readonly currency: string;
    readonly locale: string;
  }) => string;
}
