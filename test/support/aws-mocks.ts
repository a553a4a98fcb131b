/**
 * Small helpers for the adapter unit tests (test/unit/adapters/), which replace an SDK client's
 * `send` with aws-sdk-client-mock and assert the exact requests an adapter sends.
 */

/** The inputs of the calls `mock.commandCalls(SomeCommand)` returned, in the order they were sent. */
export function inputsOf<TInput>(calls: readonly { readonly args: readonly [{ readonly input: TInput }, ...unknown[]] }[]): TInput[] {
  return calls.map((call) => call.args[0].input);
}

/** The HTTP answer (`$metadata`) an SDK service exception carries when the service refused a request. */
export function answered(httpStatusCode: number) {
  return { $metadata: { httpStatusCode, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 } };
}

/** The names of the commands sent, in order: for tests where the sequence itself is the contract. */
export function commandNames(calls: readonly { readonly args: readonly [object, ...unknown[]] }[]): string[] {
  return calls.map((call) => call.args[0].constructor.name);
}
