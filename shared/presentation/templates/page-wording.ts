import type { DisputeReason } from '#domain/hold-types.ts';

/**
 * Everything a customer reads on the hosted page (pay link and communication preferences), in one
 * language. Texts are plain: the page escapes every one of them, with the values they place.
 * Values arrive formatted for the customer's full locale (amounts, dates). One file per language.
 */
export interface PageWording {
  /** The language the texts are written in (BCP 47 language subtag). */
  readonly language: string;
  /** The heading and title of the invoice page: "Invoice INV-1". */
  readonly invoiceTitle: (invoiceId: string) => string;
  /** "For Acme GmbH", under the heading. */
  readonly forCustomer: (name: string) => string;
  /** "Invoice from Acme Supplies Ltd": who is asking, above the heading. */
  readonly invoiceFrom: (creditor: string) => string;
  /** "Questions? Contact us:", before the creditor's contact (a link). */
  readonly questions: string;
  /** The notice after an action on the page. */
  readonly done: {
    readonly dispute: string;
    readonly promise: string;
    readonly paid: string;
    readonly cancelled: string;
    readonly plan: string;
  };
  /** Above the list of form errors. */
  readonly errorsHeading: string;
  /** The notice instead of the forms once an invoice is settled. */
  readonly settled: {
    readonly paid: string;
    readonly void: string;
    readonly closed: string;
  };
  readonly amountDue: string;
  /** "Due date: 1 December 2026" (French puts a no-break space before the colon). */
  readonly dueDate: (date: string) => string;
  readonly remindersPaused: string;
  /** The pay button. */
  readonly pay: (amount: string) => string;
  readonly lines: {
    readonly heading: string;
    readonly description: string;
    readonly quantity: string;
    readonly unitPrice: string;
  };
  readonly dispute: {
    readonly heading: string;
    readonly reason: string;
    readonly reasons: Readonly<Record<DisputeReason, string>>;
    readonly note: string;
    readonly submit: string;
  };
  readonly promise: {
    readonly heading: string;
    readonly date: string;
    readonly submit: string;
  };
  /** Asking for a payment plan: a person decides, so the page asks rather than agrees. */
  readonly plan: {
    readonly heading: string;
    readonly intro: string;
    readonly installments: string;
    readonly note: string;
    readonly submit: string;
    /** Instead of the form while a request waits for an answer. */
    readonly pending: string;
    /** Instead of the form while an agreed plan runs. */
    readonly agreed: string;
    /** Instead of the form once the customer asked as often as a request may pause dunning. */
    readonly askedBefore: string;
  };
  /** The printable invoice (`/pay/{token}/invoice`). */
  readonly print: {
    /** The link from the page. */
    readonly link: string;
    readonly from: string;
    readonly billTo: string;
    readonly invoiceNumber: string;
    readonly poNumber: string;
    readonly issueDate: string;
    readonly dueDate: string;
    readonly amount: string;
    readonly total: string;
    readonly credited: string;
    readonly paid: string;
    readonly balance: string;
    readonly hint: string;
    readonly back: string;
  };
  /** Pages instead of the invoice: a refused link or form, or a provider problem. */
  readonly problems: Readonly<
    Record<
      | 'linkInvalid'
      | 'linkExpired'
      | 'crossSite'
      | 'formExpired'
      | 'notWebForm'
      | 'tooLarge'
      | 'notUnderstood'
      | 'cannotPayOnline'
      | 'paymentUnavailable'
      | 'unsubscribed',
      { readonly title: string; readonly message: string }
    >
  >;
  /** Field errors (the field's own label is shown before them). */
  readonly fieldErrors: {
    readonly chooseReason: string;
    readonly tooLong: (max: string) => string;
    readonly pickDate: string;
    readonly dateInPast: string;
    readonly dateTooLate: (date: string) => string;
    readonly installmentsRange: (min: string, max: string) => string;
    readonly unexpected: string;
    /** The invoice changed meanwhile (paid, closed, a plan agreed): the action no longer applies. */
    readonly notPossible: string;
    /** The invoice kept changing while the form was applied (nothing was done): sending it again is safe. */
    readonly tryAgain: string;
  };
  readonly preferences: {
    /** "Payment reminders from Acme Supplies Ltd": who is writing. */
    readonly from: (creditor: string) => string;
    readonly title: string;
    readonly about: (name: string, invoiceId: string) => string;
    readonly saved: string;
    readonly legend: string;
    readonly email: string;
    readonly sms: string;
    readonly bothOff: string;
    readonly save: string;
  };
}
