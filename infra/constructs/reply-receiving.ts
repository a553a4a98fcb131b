import { Annotations, ArnFormat, Aws, CfnOutput, Stack, Token } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type CfnReceiptRule,
  EmailIdentity,
  Identity,
  type IReceiptRuleAction,
  ReceiptRule,
  type ReceiptRuleActionConfig,
  ReceiptRuleSet,
  TlsPolicy,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { REPLY_INBOUND_PREFIX, replyRuleName, replyRuleSetName } from '#contracts/replies.ts';
import type { RepliesBucket } from './replies-bucket.ts';

/**
 * The AWS regions where SES receives email (its inbound-smtp endpoints), from the AWS General
 * Reference, "Amazon SES endpoints and quotas", "Email receiving endpoints". Deploying elsewhere
 * synthesizes with a warning: the rule set would be created but no mail would ever arrive.
 */
export const SES_RECEIVING_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-northeast-1',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
] as const;

export interface ReplyReceivingProps {
  readonly namePrefix: string;
  readonly replyDomain: string;
  readonly replies: RepliesBucket;
  readonly replyFunction: IFunction;
}

/**
 * SES receiving for the reply domain: one receipt rule set with one rule for every address at the
 * domain (the reply function sorts them out), scanning for spam and viruses, that first stores the
 * raw message in the replies bucket under `inbound/` and then invokes the reply function
 * asynchronously (Lambda retries it twice). The domain is an SES identity of its own (verified by
 * its DKIM records). Only SES on behalf of this very rule may assume the writing role or invoke
 * the function (aws:SourceAccount and aws:SourceArn).
 *
 * Not possible in CloudFormation, so done once by hand (README "Replies"): make the rule set the
 * account's active one (`aws ses set-active-receipt-rule-set`), and publish the MX record.
 */
export class ReplyReceiving extends Construct {
  readonly ruleSet: ReceiptRuleSet;
  readonly rule: ReceiptRule;
  readonly identity: EmailIdentity;
  /** What SES assumes to write into the replies bucket. */
  readonly writerRole: Role;

  constructor(scope: Construct, id: string, props: ReplyReceivingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && !(SES_RECEIVING_REGIONS as readonly string[]).includes(stack.region)) {
      Annotations.of(this).addWarningV2(
        'dunwell:replies-region',
        `SES does not receive email in ${stack.region}: replies to ${props.replyDomain} would never arrive. Receiving regions: ${SES_RECEIVING_REGIONS.join(', ')}.`,
      );
    }
    const ruleSetName = replyRuleSetName(props.namePrefix);
    const ruleName = replyRuleName(props.namePrefix);
    // By name, not by reference: the role and the permission name the rule, the rule names them.
    const ruleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${ruleSetName}:receipt-rule/${ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const fromThisRule = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': ruleArn } };

    this.identity = new EmailIdentity(this, 'Domain', { identity: Identity.domain(props.replyDomain) });

    this.writerRole = new Role(this, 'WriterRole', {
      assumedBy: new ServicePrincipal('ses.amazonaws.com', { conditions: fromThisRule }),
      description: `SES receiving stores replies to ${props.replyDomain} in the replies bucket`,
    });
    props.replies.grantSesWrite(this.writerRole);

    props.replyFunction.addPermission('AllowSesReceiptRule', {
      action: 'lambda:InvokeFunction',
      principal: new ServicePrincipal('ses.amazonaws.com'),
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: ruleArn,
    });

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: ruleSetName });
    this.rule = new ReceiptRule(this, 'Rule', {
      ruleSet: this.ruleSet,
      receiptRuleName: ruleName,
      recipients: [props.replyDomain],
      enabled: true,
      // Spam and virus verdicts are what the reply function decides on: scanning must be on.
      scanEnabled: true,
      tlsPolicy: TlsPolicy.OPTIONAL,
      actions: [storeAction(props.replies.bucket.bucketName), invokeAction(props.replyFunction.functionArn)],
    });
    // The S3 action writes as this role (IamRoleArn), which the L2 action config does not carry yet.
    (this.rule.node.defaultChild as CfnReceiptRule).addPropertyOverride('Rule.Actions.0.S3Action.IamRoleArn', this.writerRole.roleArn);
    // SES checks the role and the permission when the rule is created.
    this.rule.node.addDependency(this.writerRole);
    const permission = props.replyFunction.permissionsNode.tryFindChild('AllowSesReceiptRule');
    if (permission) this.rule.node.addDependency(permission);

    new CfnOutput(this, 'ReplyMxRecord', {
      value: `${props.replyDomain} MX 10 inbound-smtp.${Aws.REGION}.amazonaws.com`,
      description: 'Publish in DNS: mail for the reply domain goes to SES receiving in this region',
    });
    new CfnOutput(this, 'ReplyRuleSet', {
      value: ruleSetName,
      description: 'Activate once (CloudFormation cannot): aws ses set-active-receipt-rule-set --rule-set-name <this>',
    });
    const dkim = [
      [this.identity.dkimDnsTokenName1, this.identity.dkimDnsTokenValue1],
      [this.identity.dkimDnsTokenName2, this.identity.dkimDnsTokenValue2],
      [this.identity.dkimDnsTokenName3, this.identity.dkimDnsTokenValue3],
    ] as const;
    dkim.forEach(([name, value], index) => {
      new CfnOutput(this, `ReplyDkimRecord${index + 1}`, {
        value: `${name} CNAME ${value}`,
        description: 'Publish in DNS: verifies the reply domain in SES',
      });
    });
  }
}

/**
 * The S3 action, written through a role SES assumes (its IamRoleArn, set on the rule): so neither
 * the bucket nor its key needs a policy for SES's service principal. No KmsKeyArn: the bucket
 * encrypts on its own (see RepliesBucket).
 */
function storeAction(bucketName: string): IReceiptRuleAction {
  return { bind: (): ReceiptRuleActionConfig => ({ s3Action: { bucketName, objectKeyPrefix: REPLY_INBOUND_PREFIX } }) };
}

/** The Lambda action, asynchronous (InvocationType Event): SES does not wait, Lambda retries. */
function invokeAction(functionArn: string): IReceiptRuleAction {
  return { bind: (): ReceiptRuleActionConfig => ({ lambdaAction: { functionArn, invocationType: 'Event' } }) };
}
