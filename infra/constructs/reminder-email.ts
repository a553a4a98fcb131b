import { ArnFormat, Stack } from 'aws-cdk-lib';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ConfigurationSet, EmailIdentity, EmailSendingEvent, EventDestination, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface ReminderEmailProps {
  readonly namePrefix: string;
  readonly senderEmail: string;
  /** When set, the domain is verified (Easy DKIM) and any address at it may send. */
  readonly senderDomain: string | undefined;
}

/**
 * SES v2 sending for reminders and thank-you messages: one verified identity (the sender
 * domain, or the sender address alone) and one configuration set every message names.
 */
export class ReminderEmail extends Construct {
  readonly senderEmail: string;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetArn: string;
  /** Where SES publishes the set's delivery, bounce and complaint events: the account's default bus (the only one SES sends to). */
  readonly feedbackBus: IEventBus;

  constructor(scope: Construct, id: string, props: ReminderEmailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: `${props.namePrefix}-reminders`,
      reputationMetrics: true,
      sendingEnabled: true,
      // Never mail an address that bounced or complained again, whatever the account default is.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.feedbackBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.eventBus(this.feedbackBus),
      events: [EmailSendingEvent.DELIVERY, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.identity = new EmailIdentity(this, 'Sender', {
      identity: props.senderDomain ? Identity.domain(props.senderDomain) : Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });
  }

  /** ses:SendEmail from the configured sender only, through this identity and configuration set. */
  grantSend(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.identity.emailIdentityArn, this.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': this.senderEmail } },
      }),
    );
  }
}
