import { randomUUID } from 'node:crypto';
import type { FunctionName } from '#contracts/functions.ts';
import type { Activity } from './activity.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** One function's invocations and billed duration since start, as Lambda bills them. */
export interface FunctionUsage {
  invocations: number;
  /** Wall time of each in-process handler call (cold-start import excluded), rounded up to 1 ms. */
  billedMs: number;
}

/**
 * Runs the real handler modules in-process, as Lambda would: one module instance per
 * function (a warm container), a fresh context per invocation. The caller must have set the
 * functions' environment before the first invocation, since handlers compose at import.
 */
export class LambdaHost {
  private readonly modules = new Map<FunctionName, Promise<Handler>>();
  private readonly activity: Activity;
  private readonly usageByFunction = new Map<FunctionName, FunctionUsage>();
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
        const started = performance.now();
        const context = {
          functionName: `dunwell-${name}`,
          awsRequestId: randomUUID(),
          invokedFunctionArn: localFunctionArn(name),
          callbackWaitsForEmptyEventLoop: false,
        };
        try {
          // A JSON round trip, as over the Lambda wire: no shared object references.
          return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(event)), context)) ?? null));
        } finally {
          this.record(name, performance.now() - started);
        }
      })(),
    );
  }

  /** Invocations and billed milliseconds per function since start (a failed invocation is billed too). */
  usage(): Partial<Record<FunctionName, FunctionUsage>> {
    return Object.fromEntries([...this.usageByFunction].map(([name, usage]) => [name, { ...usage }]));
  }

  private record(name: FunctionName, elapsedMs: number): void {
    const usage = this.usageByFunction.get(name) ?? { invocations: 0, billedMs: 0 };
    usage.invocations += 1;
    // Lambda bills duration rounded up to the next millisecond.
    usage.billedMs += Math.max(1, Math.ceil(elapsedMs));
    this.usageByFunction.set(name, usage);
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
