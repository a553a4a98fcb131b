import type { Access, accessVariables } from '#contracts/functions.ts';
import type { DunwellFunction } from './dunwell-function.ts';

type ResourceOfAccess<A> = A extends `${infer R}:${string}` ? R : never;

/** A resource of the catalogue: the part of an access before its colon (`letters` of `letters:write`). */
export type ResourceId = ResourceOfAccess<Access>;
export type AccessOf<R extends ResourceId> = Extract<Access, `${R}:${string}`>;
/** The variables the catalogue hands out with the accesses of a resource. */
export type VariableOf<R extends ResourceId> = (typeof accessVariables)[AccessOf<R>][number];

/**
 * What the function catalogue needs of a resource: the value of each variable that names it, and
 * how to grant each of its accesses. A construct that provisions a resource implements this (see
 * LettersBucket); the catalogue then sets the variables and calls `grant` together, so a function
 * never gets the name of a resource without the access, nor the access without the name.
 */
export interface CatalogueResource<R extends ResourceId> {
  readonly variables: { readonly [V in VariableOf<R>]: string };
  grant(fn: DunwellFunction, access: AccessOf<R>): void;
}

/** One implementation per resource of the catalogue: the compiler names a missing one. */
export type CatalogueResources = { readonly [R in ResourceId]: CatalogueResource<R> };

export const resourceOf = (access: Access): ResourceId => access.slice(0, access.indexOf(':')) as ResourceId;
