import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EnvName, FunctionName } from '#contracts/functions.ts';
import { acknowledgeWildcardResource } from './nag.ts';

/** The repository root: bundling entries, the lock file and the ASL files are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How long function, workflow and access logs are kept. The audit trail lives in the table, not here. */
export const LOG_RETENTION = RetentionDays.THREE_MONTHS;

/**
 * ESM bundles still meet CommonJS dependencies that call `require`; Node's ESM scope has none,
 * so the bundle defines one.
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __dunwellCreateRequire } from 'node:module'; const require = __dunwellCreateRequire(import.meta.url);";

export interface DunwellFunctionProps {
  /** Catalogue name; the handler is `functions/<name>/handler.ts` exporting `handler`. */
  readonly name: FunctionName;
  /** `dunwell-<stage>`; the deployed function is `<namePrefix>-<name>`. */
  readonly namePrefix: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /**
   * Folders (relative to the project root) copied into the bundle, for modules that read files
   * beside themselves at run time: in the bundle, "beside" is beside `index.mjs`.
   */
  readonly bundledFolders?: readonly { readonly from: string; readonly to: string }[];
}

/**
 * One Dunwell Lambda function, set up the same way for every catalogue entry: Node 24 on
 * arm64, X-Ray, its own log group with retention, ESM bundle with source maps, and a role
 * that starts with nothing but writing to that log group. Everything else is added through
 * `setVariable` and `addToRolePolicy`, which the stateless stack calls from the catalogue.
 */
export class DunwellFunction extends Construct {
  readonly name: FunctionName;
  readonly functionName: string;
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DunwellFunctionProps) {
    super(scope, id);
    this.name = props.name;
    this.functionName = `${props.namePrefix}-${props.name}`;

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the
    // function create and write any log group in the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${this.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      functionName: this.functionName,
      entry: `${PROJECT_ROOT}functions/${props.name}/handler.ts`,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(15),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      bundling: functionBundling(props.bundledFolders ?? []),
    });

    // Tracing.ACTIVE grants xray:PutTraceSegments/PutTelemetryRecords, which have no resource type.
    acknowledgeWildcardResource(
      this.role,
      '*',
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; granted by Tracing.ACTIVE',
    );
  }

  /** Sets one catalogue environment variable. Called only by the stack's catalogue binding. */
  setVariable(name: EnvName, value: string): void {
    this.function.addEnvironment(name, value);
  }

  addToRolePolicy(statement: PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }
}

/**
 * How every function is bundled; exported so that `bench/bundles.bench.ts` bundles with exactly
 * these options (see there for how they map to esbuild's).
 */
export function functionBundling(bundledFolders: readonly { readonly from: string; readonly to: string }[]) {
  return {
    format: OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: CREATE_REQUIRE_BANNER,
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    // The runtime's AWS SDK v3, not a bundled copy: the SDK is most of a bundle otherwise (with
    // just the DynamoDB and Step Functions clients over 300 KB minified, more than the rest of a
    // function), and loading it costs every cold start. The price: functions run the runtime's
    // SDK version, which may lag the locked one the tests ran with (bench/README.md, "bundles").
    externalModules: ['@aws-sdk/*'],
    ...(bundledFolders.length ? { commandHooks: copyFoldersAfterBundling(bundledFolders) } : {}),
  } satisfies BundlingOptions;
}

/** Copies folders into the bundle's output directory once esbuild is done (local bundling runs these in sh). */
function copyFoldersAfterBundling(folders: readonly { readonly from: string; readonly to: string }[]): ICommandHooks {
  const quoted = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      folders.map(
        ({ from, to }) =>
          `mkdir -p ${quoted(`${outputDir}/${to}`)} && cp -R ${quoted(`${inputDir}/${from}`)}/. ${quoted(`${outputDir}/${to}`)}/`,
      ),
  };
}
