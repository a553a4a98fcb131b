import { CheckIfPhoneNumberIsOptedOutCommand, type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type OutgoingText, type Texter, TextRejectedError } from '#ports/texter.ts';

export interface SnsTexterConfig {
  /** Alphanumeric sender id, where the destination country supports one. */
  readonly senderId?: string | undefined;
  /** A dedicated origination number (E.164), where the destination country requires one. */
  readonly originationNumber?: string | undefined;
}

/**
 * SMS through SNS Publish to a phone number, as transactional messages (delivered with the
 * highest reliability, and not subject to promotional quiet rules). SNS honours the account's
 * opt-out list itself: a number that replied STOP gets nothing. The list is asked before each
 * text (`optedOut`), so an opted-out number is recorded on the timeline and the reminder moves
 * to another channel instead of vanishing.
 */
export class SnsTexter implements Texter {
  private readonly client: SNSClient;
  private readonly config: SnsTexterConfig;

  constructor(client: SNSClient, config: SnsTexterConfig = {}) {
    this.client = client;
    this.config = config;
  }

  async optedOut(phoneNumber: string): Promise<boolean> {
    const result = await this.client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }));
    return result.isOptedOut === true;
  }

  async send(message: OutgoingText): Promise<{ messageId: string }> {
    const attributes: Record<string, MessageAttributeValue> = {
      'AWS.SNS.SMS.SMSType': text('Transactional'),
    };
    // Not delivered with the SMS; they keep the publish traceable (and feed the local outbox).
    // SNS rejects empty attribute values, hence only when there is something to say.
    if (message.invoiceIds.length > 0) attributes['Dunwell.InvoiceIds'] = text(message.invoiceIds.map(encodeURIComponent).join(','));
    if (message.step) attributes['Dunwell.Step'] = text(message.step);
    if (this.config.senderId) attributes['AWS.SNS.SMS.SenderID'] = text(this.config.senderId);
    if (this.config.originationNumber) attributes['AWS.MM.SMS.OriginationNumber'] = text(this.config.originationNumber);
    try {
      const result = await this.client.send(
        new PublishCommand({ PhoneNumber: message.to, Message: message.text, MessageAttributes: attributes }),
      );
      return { messageId: result.MessageId ?? 'unknown' };
    } catch (error) {
      // An HTTP answer from SNS means it refused the message; no answer means we cannot know.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        throw new TextRejectedError(`SNS refused the text message: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }
}

export function snsClient(): SNSClient {
  // maxAttempts 1: a retried Publish after a lost response would text the customer twice.
  return new SNSClient({ maxAttempts: 1 });
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}
