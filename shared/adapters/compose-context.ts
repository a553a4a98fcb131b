import { EnvName, type FunctionName, functionEnvironment, functionOptionalEnvironment } from '#contracts/functions.ts';
import type { Logger } from '#ports/logger.ts';
import { processClock } from './clock.ts';
import { readEnvironment } from './environment.ts';
import { type Telemetry, telemetryFor } from './telemetry.ts';

/**
 * What every function starts from, once per cold start: its environment (checked against its
 * catalogue entry), the clock, and its telemetry (Powertools logger, metrics and tracer, named
 * after the function). The adapters are built from it by the `compose-*.ts` modules, one per
 * adapter family, so a bundle holds only the families (and SDK clients) its handler imports;
 * they trace every SDK client they create (`telemetry.traced`).
 */
export interface FunctionContext {
  readonly name: FunctionName;
  readonly clock: typeof processClock;
  /** The Logger port, over `telemetry.logger`. */
  readonly log: Logger;
  readonly telemetry: Telemetry;
  /** A catalogue variable; fails loudly when the function's catalogue entry does not give it one. */
  need(variable: EnvName): string;
  /** A variable the function may run without: an optional setting (the reply domain) its deployment left unset. */
  optional(variable: EnvName): string | undefined;
  /** Who is asking for the money, for the pages and messages. */
  creditor(): { name: string; contact: string };
  publicBaseUrl(): string;
  linkSecretId(): string;
  paymentSecretId(): string;
}

export function functionContext(name: FunctionName): FunctionContext {
  const env = readEnvironment(functionEnvironment(name)) as Partial<Record<EnvName, string>>;
  // Optional settings: read once too, an empty value counting as unset.
  for (const variable of functionOptionalEnvironment(name)) {
    const value = process.env[variable];
    if (value) env[variable] = value;
  }
  const need = (variable: EnvName): string => {
    const value = env[variable];
    if (value === undefined) throw new Error(`${name} has no ${variable} in its catalogue entry`);
    return value;
  };
  const telemetry = telemetryFor(name);
  return {
    name,
    clock: processClock,
    log: telemetry.log,
    telemetry,
    need,
    optional: (variable) => env[variable],
    creditor: () => ({ name: need(EnvName.creditorName), contact: need(EnvName.creditorContact) }),
    publicBaseUrl: () => need(EnvName.publicBaseUrl).replace(/\/+$/, ''),
    linkSecretId: () => need(EnvName.linkSecretId),
    paymentSecretId: () => need(EnvName.paymentSecretId),
  };
}
