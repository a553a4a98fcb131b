import type * as z from 'zod';

/**
 * A field's problem as the API reports it (problem+json `errors`): where, in dotted path form,
 * and what. Apart from the request schemas so that reporting one (every HTTP handler does) does
 * not build them all.
 */
export type FieldError = { readonly path: string; readonly message: string };

export function fieldErrors(error: z.ZodError): FieldError[] {
  const pathOf = (path: readonly PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : '(body)');
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}
