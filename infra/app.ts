import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { listIndexes } from '#contracts/table-indexes.ts';
import { DEPLOY_CONFIG_CONTEXT_KEY, parseDeployConfig } from './config.ts';
import { DunwellStatefulStack, INVOICE_TABLE_GSI1 } from './stacks/stateful-stack.ts';
import { DunwellStatelessStack } from './stacks/stateless-stack.ts';

/**
 * Composes the Dunwell app: config parsed once, one stateful and one stateless stack, cdk-nag.
 * `environment` supplies the CDK_DEFAULT_* fallbacks (tests pass their own).
 */
export function createDunwellApp(props: AppProps = {}, environment: NodeJS.ProcessEnv = process.env) {
  // Feature flags live in cdk.json's context next to the deploy config (tests pass it on too):
  // S3 access logs through a bucket policy (the log bucket disables ACLs), minimized IAM
  // policies, and strong (export/import) cross-stack references, so CloudFormation refuses to
  // remove a table, key, secret or user pool while the stateless stack still uses it.
  const app = new App(props);
  const config = parseDeployConfig(app.node.tryGetContext(DEPLOY_CONFIG_CONTEXT_KEY), environment);
  // Undefined account/region keep the stacks environment-agnostic: synth needs no credentials.
  const env = { account: config.env.account, region: config.env.region };

  const stateful = new DunwellStatefulStack(app, `${config.namePrefix}-stateful`, {
    env,
    config,
    description:
      'Dunwell data and credentials: invoice table, finance lake, letters, sent messages, replies, their keys, pay-link keyring, ERP user pool (retained)',
  });
  const stateless = new DunwellStatelessStack(app, `${config.namePrefix}-stateless`, {
    env,
    config,
    description: 'Dunwell functions, API, dunning workflow, events, timers, email and reply receiving',
    table: stateful.table,
    tableIndexNames: [INVOICE_TABLE_GSI1, ...listIndexes.map((index) => index.indexName)],
    dataKey: stateful.dataKey,
    linkSecret: stateful.linkSecret,
    userPool: stateful.erpTokens.userPool,
    erpClient: stateful.erpTokens.erpClient,
    lake: stateful.lake,
    letters: stateful.letters,
    messages: stateful.messages,
    replies: stateful.replies,
    consoleUsers: stateful.consoleUsers,
  });

  Tags.of(app).add('project', 'dunwell');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, stateful, stateless };
}

if (import.meta.main) {
  createDunwellApp().app.synth();
}
