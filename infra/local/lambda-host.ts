import { randomUUID } from 'node:crypto';
import type { FunctionName } from '#contracts/functions.ts';
import type { Activity } from './activity.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * Runs the real handler modules in-process, as Lambda would: one module instance per
 * function (a warm container), a fresh context per invocation. The caller must have set the
 * functions' environment before the first invocation, since handlers compose at import.
 */
export class LambdaHost {
  private readonly modules = new Map<FunctionName, Promise<Handler>>();
  private readonly activity: Activity;
  /** Hook for fault-injection tests: runs before each invocation. */
  beforeInvoke: ((name: FunctionName, event: unknown) => void) | undefined;

  constructor(activity: Activity) {
    this.activity = activity;
  }

  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    return this.activity.track(
      (async () => {
        this.beforeInvoke?.(name, event);
        const handler = await this.load(name);
        const context = {
          functionName: `dunwell-${name}`,
          awsRequestId: randomUUID(),
          invokedFunctionArn: localFunctionArn(name),
          callbackWaitsForEmptyEventLoop: false,
        };
        // A JSON round trip, as over the Lambda wire: no shared object references.
        return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(event)), context)) ?? null));
      })(),
    );
  }

  private load(name: FunctionName): Promise<Handler> {
    let loaded = this.modules.get(name);
    if (!loaded) {
      loaded = import(`../../functions/${name}/handler.ts`).then((module: { handler: Handler }) => module.handler);
      this.modules.set(name, loaded);
    }
    return loaded;
  }
}

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export function localFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:dunwell-${name}`;
}

export function functionNameFromArn(arn: string): FunctionName {
  const match = /:function:dunwell-([a-z-]+)$/.exec(arn);
  if (!match) throw new Error(`Not a local Dunwell function ARN: ${arn}`);
  return match[1] as FunctionName;
}
