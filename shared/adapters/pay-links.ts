import { addDays } from '#domain/calendar.ts';
import type { PayLinks } from '#domain/lifecycle.ts';
import { parseKeyring, signPayLink } from '#domain/pay-link.ts';
import type { SecretSource } from '#ports/secrets.ts';

/** A link stays valid this long after the later of "now" and the due date. */
const LINK_LIFETIME_DAYS = 120;

export class SignedPayLinks implements PayLinks {
  private readonly secrets: SecretSource;
  private readonly secretId: string;
  private readonly baseUrl: string;

  constructor(secrets: SecretSource, secretId: string, baseUrl: string) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async payUrl(invoiceId: string, dueDate: string, now: Date): Promise<string> {
    const keyring = parseKeyring(await this.secrets.read(this.secretId));
    const fromDue = new Date(`${addDays(dueDate, LINK_LIFETIME_DAYS)}T00:00:00Z`);
    const fromNow = new Date(now.getTime() + LINK_LIFETIME_DAYS * 86_400_000);
    const expiresAt = fromDue > fromNow ? fromDue : fromNow;
    return `${this.baseUrl}/pay/${signPayLink(keyring, invoiceId, expiresAt)}`;
  }
}
