import type { FieldError } from '#contracts/field-errors.ts';
import { fieldErrors, policyRequestSchema, toPolicy } from '#contracts/policy-api.ts';
import type { Policy } from '#domain/policy.ts';

/*
 * The policy editor's form (shared/presentation/console/pages/policy-edit.ts) as the body of
 * `PUT /v1/policies/{policyId}`, checked by the API's own schema and `toPolicy`, and the API's
 * error paths mapped back to the form's field names.
 */

const TIER_COUNT = 4;
const STEP_FIELDS = [
  'stepId',
  'offsetDays',
  'channel',
  'tone',
  'template',
  'taskDeadlineDays',
  'conditions.segments',
  'conditions.minBalance.currency',
  'conditions.minBalance.amount',
] as const;
const NUMBER_FIELDS = new Set([
  'frequencyCap.perDay',
  'frequencyCap.perWeek',
  'holds.promiseGraceDays',
  'holds.disputeGraceDays',
  'holds.maxPromiseDays',
  'holds.paymentClaimDays',
  'maxSilenceDays',
]);
const NUMBER_STEP_FIELDS = new Set(['offsetDays', 'taskDeadlineDays']);
const DAYS = 'businessHours.days';

export interface PolicyDraft {
  /** The `PUT /v1/policies` body the form stands for. */
  readonly body: Record<string, unknown>;
  /**
   * The form as it will be shown again: empty and removed step rows dropped, the rest numbered
   * from 0 in each tier, ticked days comma-joined (what `renderPolicyEdit` takes as `values`).
   */
  readonly values: Record<string, string>;
  /** The form field a path of the body names. */
  readonly fieldOf: (path: string) => string;
}

/** A whole number typed as such becomes a number; anything else stays text, for the schema to refuse. */
function numberOrText(raw: string): number | string {
  return /^[+-]?\d{1,15}$/.test(raw) ? Number(raw) : raw;
}

/** `form`: each field's value; `days`: every ticked `businessHours.days` (a repeated field). */
export function policyDraft(form: Readonly<Record<string, string>>, days: readonly string[]): PolicyDraft {
  const field = (name: string) => (form[name] ?? '').trim();
  const values: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  const keep = (name: string) => {
    if (field(name) !== '') values[name] = field(name);
    return field(name);
  };

  const name = keep('name');
  if (name !== '') body.name = name;

  /** A group of fields (`businessHours.start`…) is sent when any of them is filled in: the schema then wants all. */
  const group = (key: string, members: readonly string[], extra: Record<string, unknown> = {}) => {
    const object: Record<string, unknown> = { ...extra };
    for (const member of members) {
      const raw = keep(`${key}.${member}`);
      if (raw !== '') object[member] = NUMBER_FIELDS.has(`${key}.${member}`) ? numberOrText(raw) : raw;
    }
    if (Object.keys(object).length > 0) body[key] = object;
  };
  // One field per ticked day, as a browser posts the boxes; a comma-joined value (as the form is shown again) reads the same.
  const ticked = days
    .flatMap((day) => day.split(','))
    .map((day) => day.trim())
    .filter((day) => day !== '');
  if (ticked.length > 0) values[DAYS] = ticked.join(',');
  // The form always carries the hours: no day ticked is then "no send day", which the schema refuses.
  const hoursGiven = field('businessHours.start') !== '' || field('businessHours.end') !== '' || ticked.length > 0;
  group('businessHours', ['start', 'end'], hoursGiven ? { days: ticked.map(numberOrText) } : {});
  group('smsHours', ['start', 'end']);
  group('frequencyCap', ['perDay', 'perWeek']);
  group('holds', ['promiseGraceDays', 'disputeGraceDays', 'maxPromiseDays', 'paymentClaimDays']);
  const silence = keep('maxSilenceDays');
  if (silence !== '') body.maxSilenceDays = numberOrText(silence);
  const closed = field('closedDates')
    .split(/[\s,]+/)
    .filter((date) => date !== '');
  if (closed.length > 0) {
    values.closedDates = closed.join('\n');
    body.closedDates = closed;
  }

  // Tiers: the body's tier i is the form's tier formTiers[i]; step j keeps its index j in the shown form.
  const formTiers: number[] = [];
  const tiers: Record<string, unknown>[] = [];
  for (let formTier = 0; formTier < TIER_COUNT; formTier++) {
    const prefix = `tiers.${formTier}.steps.`;
    const rows = new Set<number>();
    for (const key of Object.keys(form)) {
      if (!key.startsWith(prefix)) continue;
      const row = Number(key.slice(prefix.length).split('.')[0]);
      if (Number.isInteger(row) && row >= 0 && row < 1000) rows.add(row);
    }
    const steps: Record<string, unknown>[] = [];
    for (const row of [...rows].sort((a, b) => a - b)) {
      const at = `${prefix}${row}`;
      if (form[`${at}.remove`] === 'true') continue;
      if (STEP_FIELDS.every((name) => field(`${at}.${name}`) === '')) continue;
      const shownAt = `${prefix}${steps.length}`;
      const step: Record<string, unknown> = {};
      const conditions: Record<string, unknown> = {};
      const minBalance: Record<string, unknown> = {};
      for (const name of STEP_FIELDS) {
        const raw = field(`${at}.${name}`);
        if (raw === '') continue;
        values[`${shownAt}.${name}`] = raw;
        if (name === 'conditions.segments') {
          const segments = raw
            .split(',')
            .map((segment) => segment.trim())
            .filter((segment) => segment !== '');
          if (segments.length > 0) conditions.segments = segments;
        } else if (name === 'conditions.minBalance.currency') minBalance.currency = raw;
        else if (name === 'conditions.minBalance.amount') minBalance.amount = raw;
        else step[name] = NUMBER_STEP_FIELDS.has(name) ? numberOrText(raw) : raw;
      }
      if (Object.keys(minBalance).length > 0) conditions.minBalance = minBalance;
      if (Object.keys(conditions).length > 0) step.conditions = conditions;
      steps.push(step);
    }
    if (steps.length === 0) continue;
    formTiers.push(formTier);
    tiers.push({ tier: formTier + 1, steps });
  }
  body.tiers = tiers;

  const fieldOf = (path: string): string => {
    const parts = path.split('.');
    if (parts[0] === 'tiers') {
      const formTier = formTiers[Number(parts[1])] ?? 0;
      // "tier 1 is required", too many steps, a tier twice: the tier's first step.
      if (parts[2] !== 'steps' || parts[3] === undefined) return `tiers.${formTier}.steps.0.stepId`;
      const rest = parts.slice(4);
      // `conditions.segments.3` is the one segments field.
      const name = rest[0] === 'conditions' && rest[1] === 'segments' ? 'conditions.segments' : rest.join('.') || 'stepId';
      return `tiers.${formTier}.steps.${parts[3]}.${name}`;
    }
    if (parts[0] === 'closedDates') return 'closedDates';
    if (path.startsWith(DAYS)) return DAYS;
    if (path === 'businessHours') return 'businessHours.start';
    return path;
  };
  return { body, values, fieldOf };
}

export type PolicyFormOutcome = { ok: true; policy: Omit<Policy, 'version'> } | { ok: false; errors: FieldError[] };

/** The draft checked as `PUT /v1/policies/{policyId}` checks it; errors name the form's fields. */
export function checkPolicyDraft(policyId: string, draft: PolicyDraft): PolicyFormOutcome {
  const parsed = policyRequestSchema.safeParse(draft.body);
  const errors = parsed.success ? undefined : fieldErrors(parsed.error);
  const built = parsed.success ? toPolicy(policyId, parsed.data) : undefined;
  if (built && 'policy' in built) return { ok: true, policy: built.policy };
  const found = errors ?? (built && 'errors' in built ? built.errors : []);
  const mapped = new Map<string, FieldError>();
  for (const error of found) {
    const path = draft.fieldOf(error.path);
    // A number field holding text: say so in words rather than as the schema's type error.
    const message =
      typeof draft.values[path] === 'string' && /expected number/.test(error.message) ? 'must be a whole number' : error.message;
    // One message per field: a field shows one error.
    if (!mapped.has(path)) mapped.set(path, { path, message });
  }
  return { ok: false, errors: [...mapped.values()] };
}
