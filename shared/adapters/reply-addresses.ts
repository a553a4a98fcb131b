import { parseKeyring } from '#domain/pay-link.ts';
import { mintReplyRoute, replyAddress } from '#domain/reply-address.ts';
import type { RepliedMessage, ReplyAddresses, ReplyRoutes } from '#ports/replies.ts';
import type { SecretSource } from '#ports/secrets.ts';

/** A fresh random code colliding with a stored one is all but impossible; a few tries are plenty. */
const CODE_ATTEMPTS = 3;

/**
 * Reply-To addresses signed with the pay-link keyring (the secret the sender already reads), each
 * with its route stored before the message leaves: a reply can come back within seconds.
 */
export class SignedReplyAddresses implements ReplyAddresses {
  private readonly secrets: SecretSource;
  private readonly secretId: string;
  private readonly replyDomain: string;
  private readonly routes: ReplyRoutes;

  constructor(secrets: SecretSource, secretId: string, replyDomain: string, routes: ReplyRoutes) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.replyDomain = replyDomain;
    this.routes = routes;
  }

  async replyTo(message: RepliedMessage): Promise<string> {
    const keyring = parseKeyring(await this.secrets.read(this.secretId));
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const route = mintReplyRoute(keyring, message);
      if (await this.routes.create(route)) return replyAddress(route.code, this.replyDomain);
    }
    throw new Error(`No free reply code after ${CODE_ATTEMPTS} attempts`);
  }
}
