import { addDays } from '#domain/calendar.ts';
import { parseKeyring, signPayLink } from '#domain/pay-link.ts';
import { mintShortLink } from '#domain/short-link.ts';
import type { PayLinks } from '#ports/pay-links.ts';
import type { SecretSource } from '#ports/secrets.ts';
import type { ShortLinkStore } from '#ports/short-links.ts';

/** A link stays valid this long after the later of "now" and the due date. */
const LINK_LIFETIME_DAYS = 120;

/** A fresh random code colliding with a stored one is all but impossible; a few tries are plenty. */
const SHORT_CODE_ATTEMPTS = 3;

export class SignedPayLinks implements PayLinks {
  private readonly secrets: SecretSource;
  private readonly secretId: string;
  private readonly baseUrl: string;
  private readonly shortLinks: ShortLinkStore | undefined;

  /** Without a short-link store, `shortUrl` gives the long link. */
  constructor(secrets: SecretSource, secretId: string, baseUrl: string, shortLinks?: ShortLinkStore) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.shortLinks = shortLinks;
  }

  async payUrl(invoiceId: string, dueDate: string, now: Date): Promise<string> {
    const keyring = parseKeyring(await this.secrets.read(this.secretId));
    return `${this.baseUrl}/pay/${signPayLink(keyring, invoiceId, linkExpiry(dueDate, now))}`;
  }

  /** The SMS link: `<base>/p/<code>`, stored with the same expiry as the long link (see short-link.ts). */
  async shortUrl(invoiceId: string, dueDate: string, now: Date): Promise<string> {
    if (!this.shortLinks) return this.payUrl(invoiceId, dueDate, now);
    const keyring = parseKeyring(await this.secrets.read(this.secretId));
    const expiresAt = linkExpiry(dueDate, now);
    for (let attempt = 0; attempt < SHORT_CODE_ATTEMPTS; attempt++) {
      const link = mintShortLink(keyring, invoiceId, expiresAt);
      if (await this.shortLinks.create(link)) return `${this.baseUrl}/p/${link.code}`;
    }
    throw new Error(`No free short code after ${SHORT_CODE_ATTEMPTS} attempts`);
  }
}

function linkExpiry(dueDate: string, now: Date): Date {
  const fromDue = new Date(`${addDays(dueDate, LINK_LIFETIME_DAYS)}T00:00:00Z`);
  const fromNow = new Date(now.getTime() + LINK_LIFETIME_DAYS * 86_400_000);
  return fromDue > fromNow ? fromDue : fromNow;
}
