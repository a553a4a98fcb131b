import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DUNNING_STATE_MACHINE_FILE, dunningDefinitionSubstitutions, type FunctionName } from '#contracts/functions.ts';
import { type DunwellFunction, LOG_RETENTION, PROJECT_ROOT } from './dunwell-function.ts';
import { acknowledgeWildcardResource } from './nag.ts';

export interface DunningWorkflowProps {
  readonly namePrefix: string;
  /** Resolves a catalogue name to its function; the ASL substitutions name the task functions. */
  readonly functionNamed: (name: FunctionName) => DunwellFunction;
}

/**
 * The per-invoice dunning state machine, loaded from the ASL file shared with the local
 * runtime. Each `${XFunctionArn}` in the file is substituted with the ARN of the function
 * `dunningDefinitionSubstitutions` names, and the machine may invoke exactly those.
 */
export class DunningWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly stateMachineName: string;
  /**
   * The ARN built from the machine's name. Grants to functions the machine itself invokes
   * (advance answers its own task token) must not reference the machine resource, or
   * CloudFormation sees machine → function → role policy → machine.
   */
  readonly stateMachineArnByName: string;

  constructor(scope: Construct, id: string, props: DunningWorkflowProps) {
    super(scope, id);
    this.stateMachineName = `${props.namePrefix}-invoice-dunning`;
    const stack = Stack.of(this);
    this.stateMachineArnByName = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const taskFunctions = Object.entries(dunningDefinitionSubstitutions).map(
      ([token, name]) => [token, props.functionNamed(name)] as const,
    );

    const logs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(`${PROJECT_ROOT}${DUNNING_STATE_MACHINE_FILE}`),
      definitionSubstitutions: Object.fromEntries(taskFunctions.map(([token, fn]) => [token, fn.function.functionArn])),
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    // Unqualified ARNs only: the ASL invokes $LATEST, so no `:*` version wildcard is needed.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(taskFunctions.map(([, fn]) => fn.function.functionArn))],
      }),
    );

    const role = this.stateMachine.role;
    acknowledgeWildcardResource(
      role,
      '*',
      'CloudWatch Logs log-delivery actions (logs:CreateLogDelivery, PutResourcePolicy...) and X-Ray tracing actions support no resource-level permissions; CDK grants them for LogLevel.ALL and tracing.',
    );
  }
}
