import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EnvName } from '#contracts/functions.ts';
import type { ReplyAddresses, ReplyRoutes } from '#ports/replies.ts';
import type { ShortLinkStore } from '#ports/short-links.ts';
import type { FunctionContext } from './compose-context.ts';
import { SignedPayLinks } from './pay-links.ts';
import { SignedReplyAddresses } from './reply-addresses.ts';
import { SecretsManagerSource } from './secrets-manager.ts';
import { SesMailer, sesClient } from './ses-mailer.ts';
import { SnsTexter, snsClient } from './sns-texter.ts';

/** Reminder email through SES, from the configured sender. */
export const mailer = (app: FunctionContext) =>
  new SesMailer(app.telemetry.traced(sesClient()), {
    fromAddress: app.need(EnvName.senderEmail),
    fromName: app.optional(EnvName.creditorName),
    configurationSet: app.need(EnvName.sesConfigurationSet),
  });

/** Reminder SMS through SNS. */
export const texter = (app: FunctionContext) => new SnsTexter(app.telemetry.traced(snsClient()));

/** Secrets Manager, cached per warm container (see SecretsManagerSource). */
export const secretSource = (app: FunctionContext) => new SecretsManagerSource(app.telemetry.traced(new SecretsManagerClient({})));

/** Signed pay links; SMS get short ones, stored in the table (`tableAdapters(app).shortLinkStore()`). */
export const payLinks = (app: FunctionContext, shortLinks: ShortLinkStore) =>
  new SignedPayLinks(secretSource(app), app.linkSecretId(), app.need(EnvName.publicBaseUrl), shortLinks);

/** Signed Reply-To addresses on the reply domain, their routes in the table; undefined (no Reply-To) when the deployment has no reply domain. */
export const replyAddresses = (app: FunctionContext, routes: ReplyRoutes): ReplyAddresses | undefined => {
  const replyDomain = app.optional(EnvName.replyDomain);
  return replyDomain ? new SignedReplyAddresses(secretSource(app), app.linkSecretId(), replyDomain, routes) : undefined;
};
