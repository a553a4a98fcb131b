/**
 * The channels a message reaches a customer by: one entry each. Choosing a channel
 * (customers.ts), its sending hours (send-window.ts), consent and suppressed addresses, and what
 * a step records when the customer has no address on it all read this registry; the renderer
 * and the sender of each are the send use case's (shared/use-cases/send-reminder.ts). The order
 * is the order a message falls back through them.
 */
export const messageChannelIds = ['email', 'sms', 'letter'] as const;
export type MessageChannelId = (typeof messageChannelIds)[number];

/** The channels a customer gives or withholds consent for; a letter needs none (it is how formal notice is given). */
export const consentChannelIds = ['email', 'sms'] as const;
export type ConsentChannelId = (typeof consentChannelIds)[number];

/** The contacts a channel reads its address from (a Customer has them all). */
export interface ChannelContacts {
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
  readonly postalAddress?: string | undefined;
}

export interface MessageChannel {
  readonly id: MessageChannelId;
  /** How the channel reads in a sentence ("SMS"). */
  readonly label: string;
  /** The customer's address on it; undefined: the channel cannot reach them. */
  address(customer: ChannelContacts): string | undefined;
  /** Whether two addresses are one (a suppression names an address, not a customer). */
  sameAddress(a: string, b: string): boolean;
  /** The local hours it may be used in: business hours, or business hours within the policy's SMS hours. */
  readonly hours: 'business' | 'texts';
  /** What a step records when the customer has no address on it. */
  readonly missingAddress: string;
  /** What a step records when the customer has not consented to it. */
  readonly noConsent: string;
  /** Whether one message may carry the reminders of several invoices of the customer due at once. */
  readonly combinesInvoices: boolean;
  /** Where the customer's consent for it is recorded; none: it needs none. */
  readonly consentKey: ConsentChannelId | undefined;
  /** Whether a step asking for another channel may fall back to this one (a letter costs postage: only when asked for). */
  readonly fallback: boolean;
}

export const messageChannels: Readonly<Record<MessageChannelId, MessageChannel>> = {
  email: {
    id: 'email',
    label: 'email',
    address: (customer) => customer.email,
    sameAddress: (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase(),
    hours: 'business',
    missingAddress: 'no_email_address',
    noConsent: 'no_email_consent',
    combinesInvoices: true,
    consentKey: 'email',
    fallback: true,
  },
  sms: {
    id: 'sms',
    label: 'SMS',
    address: (customer) => customer.phone,
    sameAddress: (a, b) => a.trim() === b.trim(),
    hours: 'texts',
    missingAddress: 'no_phone_number',
    noConsent: 'no_sms_consent',
    combinesInvoices: false,
    consentKey: 'sms',
    fallback: true,
  },
  letter: {
    id: 'letter',
    label: 'letter',
    address: (customer) => customer.postalAddress,
    sameAddress: (a, b) => a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase(),
    hours: 'business',
    missingAddress: 'no_postal_address',
    noConsent: 'no_letter_consent',
    combinesInvoices: false,
    consentKey: undefined,
    fallback: false,
  },
};

export function isMessageChannel(channel: string): channel is MessageChannelId {
  return (messageChannelIds as readonly string[]).includes(channel);
}

/**
 * The message channel a policy step asks for: its own when it is one, and email for a formal
 * notice (a notice is a letter-style email); undefined for steps that message nobody (tasks,
 * agency hand-over, write-off).
 */
export function messageChannelOf(stepChannel: string): MessageChannelId | undefined {
  if (isMessageChannel(stepChannel)) return stepChannel;
  return stepChannel === 'notice' ? 'email' : undefined;
}
