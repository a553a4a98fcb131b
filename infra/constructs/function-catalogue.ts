import {
  accessVariables,
  type EnvName,
  functionAccess,
  functionSettings,
  type OptionalSetting,
  type Setting,
} from '#contracts/functions.ts';
import { type CatalogueResource, type CatalogueResources, type ResourceId, resourceOf } from './catalogue-resource.ts';
import type { DunwellFunction } from './dunwell-function.ts';

/** The plain values of the catalogue's settings (no access goes with them); an optional one may be left unset. */
export type CatalogueSettings = Readonly<Record<Exclude<Setting, OptionalSetting>, string> & Record<OptionalSetting, string | undefined>>;

/**
 * Gives a function exactly what its catalogue entry lists: for each access, the grant and the
 * variables that name its resource (both from the resource's one implementation), then its
 * settings. Nothing else reaches a function, so its role and its environment cannot drift apart.
 */
export function bindCatalogueEntry(fn: DunwellFunction, resources: CatalogueResources, settings: CatalogueSettings): void {
  const values = new Map<EnvName, string>();
  for (const access of functionAccess[fn.name]) {
    const resource = resources[resourceOf(access)] as CatalogueResource<ResourceId>;
    resource.grant(fn, access as never);
    const named = resource.variables as Readonly<Record<string, string>>;
    for (const variable of accessVariables[access] as readonly EnvName[]) {
      const value = named[variable];
      if (value === undefined) throw new Error(`${fn.name}: the ${resourceOf(access)} resource gives no value for ${variable} (${access})`);
      values.set(variable, value);
    }
  }
  for (const setting of functionSettings[fn.name] ?? []) {
    const value = settings[setting];
    // An optional setting left unset is no variable at all (the function reads it as absent).
    if (value !== undefined) values.set(setting, value);
  }
  for (const [variable, value] of values) fn.setVariable(variable, value);
}
