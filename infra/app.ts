import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEPLOY_CONFIG_CONTEXT_KEY, parseDeployConfig } from './config.ts';
import { DunwellStatefulStack, INVOICE_TABLE_GSI1 } from './stacks/stateful-stack.ts';
import { DunwellStatelessStack } from './stacks/stateless-stack.ts';

/**
 * Feature flags this app relies on. cdk.json (or -c) still wins; they live here only
 * because cdk.json carries none yet.
 */
const FEATURE_FLAGS = {
  // Access logs reach the log bucket through a bucket policy; the bucket disables ACLs.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  // Export/import: CloudFormation refuses to remove the table or key while functions use them.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

/**
 * Composes the Dunwell app: config parsed once, one stateful and one stateless stack, cdk-nag.
 * `environment` supplies the CDK_DEFAULT_* fallbacks (tests pass their own).
 */
export function createDunwellApp(props: AppProps = {}, environment: NodeJS.ProcessEnv = process.env) {
  const app = new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
  const config = parseDeployConfig(app.node.tryGetContext(DEPLOY_CONFIG_CONTEXT_KEY), environment);
  // Undefined account/region keep the stacks environment-agnostic: synth needs no credentials.
  const env = { account: config.env.account, region: config.env.region };

  const stateful = new DunwellStatefulStack(app, `${config.namePrefix}-stateful`, {
    env,
    config,
    description: 'Dunwell data: invoice table, finance exports and their key (retained)',
  });
  const stateless = new DunwellStatelessStack(app, `${config.namePrefix}-stateless`, {
    env,
    config,
    description: 'Dunwell functions, API, dunning workflow, events, timers and email',
    table: stateful.table,
    tableIndexNames: [INVOICE_TABLE_GSI1],
    dataKey: stateful.dataKey,
  });

  Tags.of(app).add('project', 'dunwell');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, stateful, stateless };
}

if (import.meta.main) {
  createDunwellApp().app.synth();
}
