import type * as z from 'zod';
import { type FieldError, fieldErrors } from '#contracts/api.ts';

/** The API body the form stands for: dotted names nest (`installments.0.amount`), empty fields are left out. */
export function formBody(form: Readonly<Record<string, string>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(form)) {
    const value = raw.trim();
    if (name === 'csrf' || value === '') continue;
    const path = name.split('.');
    let target: Record<string, unknown> = body;
    for (const [index, key] of path.slice(0, -1).entries()) {
      const nextIsIndex = /^\d+$/.test(path[index + 1] ?? '');
      target[key] ??= nextIsIndex ? [] : {};
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1) as string] = value;
  }
  for (const [key, value] of Object.entries(body)) if (Array.isArray(value)) body[key] = value.filter((row) => row !== undefined);
  return body;
}

export type Parsed<S extends z.ZodType> = { ok: true; value: z.infer<S> } | { ok: false; errors: FieldError[] };

export function parseForm<S extends z.ZodType>(schema: S, body: Record<string, unknown>): Parsed<S> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export function decode(text: string | undefined): string {
  try {
    return decodeURIComponent(text ?? '');
  } catch {
    return '';
  }
}
