import type { FieldError } from '#contracts/field-errors.ts';
import { policyView } from '#contracts/policy-api.ts';
import { channels, DEFAULT_PAYMENT_CLAIM_DAYS, defaultPolicy, MAX_SILENCE_DAYS, MIN_SILENCE_DAYS, tones } from '#domain/policy.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage, csrfField } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import {
  dataTable,
  errorSummary,
  type FormState,
  fieldId,
  flash,
  heading,
  inputField,
  labelFor,
  selectField,
  text,
  textareaField,
} from './parts.ts';
import type { PolicyDetail } from './policies.ts';

/**
 * The policy editor. Field names are the paths of `policyRequestSchema` (`tiers.0.steps.2.tone`)
 * so the API's field errors land next to their fields. Tier N is always `tiers.{N-1}`; the handler
 * leaves out tiers without steps and maps error paths back. Each tier has its steps plus one
 * empty row: filling it in adds a step (no script needed); `….remove` ticked drops a step.
 * `businessHours.days` is posted once per ticked day.
 */
/** The figures the simulator reports for one policy (simulator/kpis.ts PolicyKpis has this shape). */
export interface PolicyKpis {
  readonly dso: number | null;
  readonly cei: number | null;
  readonly collectedShare: { readonly '30': number | null; readonly '60': number | null; readonly '90': number | null };
  readonly messages: { readonly email: number; readonly sms: number };
  readonly tasks: number;
  readonly sendCostUsd: number;
}

export interface PolicyEditView {
  /** Absent for a new policy (the form then asks for its id). */
  readonly policyId?: string | undefined;
  /** The published version, if any: the form starts from it, and the simulation compares against it. */
  readonly current?: PolicyDetail | undefined;
  /** What was posted (field name → value; ticked days comma-joined), shown again after simulate or a failed publish. */
  readonly values?: Readonly<Record<string, string>> | undefined;
  readonly errors?: readonly FieldError[] | undefined;
  readonly published?: boolean | undefined;
  /** The simulator's KPIs (simulator/kpis.ts) for the published version and for the draft, on the same invoices. */
  readonly simulation?: { readonly current: PolicyKpis; readonly draft: PolicyKpis } | undefined;
  /** What the simulation ran on, in words (shown under its heading): a comparison is only as good as its invoices. */
  readonly simulationBasis?: string | undefined;
}

const e = w.policyEdit;
const FORM = 'policy';
const TIERS = [1, 2, 3, 4] as const;

/** A policy as form values: what the editor shows before anything was posted. */
export function policyFormValues(policy: PolicyDetail): Record<string, string> {
  const values: Record<string, string> = {
    name: policy.name,
    'businessHours.start': policy.businessHours.start,
    'businessHours.end': policy.businessHours.end,
    'businessHours.days': policy.businessHours.days.join(','),
    'smsHours.start': policy.smsHours.start,
    'smsHours.end': policy.smsHours.end,
    'frequencyCap.perDay': String(policy.frequencyCap.perDay),
    'frequencyCap.perWeek': String(policy.frequencyCap.perWeek),
    'holds.promiseGraceDays': String(policy.holds.promiseGraceDays),
    'holds.disputeGraceDays': String(policy.holds.disputeGraceDays),
    'holds.maxPromiseDays': String(policy.holds.maxPromiseDays),
    'holds.paymentClaimDays': String(policy.holds.paymentClaimDays ?? DEFAULT_PAYMENT_CLAIM_DAYS),
    maxSilenceDays: String(policy.maxSilenceDays),
    closedDates: policy.closedDates.join('\n'),
  };
  for (const tier of policy.tiers) {
    tier.steps.forEach((step, index) => {
      const at = `tiers.${tier.tier - 1}.steps.${index}`;
      values[`${at}.stepId`] = step.stepId;
      values[`${at}.offsetDays`] = String(step.offsetDays);
      values[`${at}.channel`] = step.channel;
      values[`${at}.tone`] = step.tone;
      if (step.template) values[`${at}.template`] = step.template;
      if (step.taskDeadlineDays) values[`${at}.taskDeadlineDays`] = String(step.taskDeadlineDays);
      if (step.conditions?.segments) values[`${at}.conditions.segments`] = step.conditions.segments.join(', ');
      const minBalance = step.conditions?.minBalance;
      // policyView gives the amount as a decimal string; the domain type it spreads still knows amountMinor.
      if (minBalance && 'amount' in minBalance) {
        values[`${at}.conditions.minBalance.currency`] = minBalance.currency;
        values[`${at}.conditions.minBalance.amount`] = minBalance.amount;
      }
    });
  }
  return values;
}

const whole = (min: number, max: number) => ` min="${min}" max="${max}" step="1" inputmode="numeric"`;

function group(legend: string, body: string): string {
  return `<fieldset><legend>${text(legend)}</legend>${body}</fieldset>`;
}

function days(state: FormState): string {
  const name = 'businessHours.days';
  const ticked = new Set((state.values?.[name] ?? '').split(','));
  const error = state.errors?.find((item) => item.path === name);
  const errorId = `${fieldId(FORM, name)}-error`;
  const boxes = e.dayNames
    .map((day, index) => {
      // The first box carries the group's id, so the error summary's link lands in the group.
      const id = index === 0 ? fieldId(FORM, name) : fieldId(FORM, `${name}.${index + 1}`);
      const checked = ticked.has(String(index + 1)) ? ' checked' : '';
      return `<span class="check"><input type="checkbox" id="${id}" name="${name}" value="${index + 1}"${checked}${error ? ` aria-describedby="${errorId}"` : ''}><label for="${id}">${text(day)}</label></span>`;
    })
    .join(' ');
  return group(e.days, `${error ? `<p class="field-error" id="${errorId}">${text(error.message)}</p>` : ''}${boxes}`);
}

function general(view: PolicyEditView, state: FormState): string {
  const field = (name: string, label: string, extra: string, type = 'number', hint?: string) =>
    inputField({ form: FORM, name, label, type, extra, hint, required: true, state });
  const id = view.policyId
    ? ''
    : inputField({
        form: FORM,
        name: 'policyId',
        label: e.policyId,
        required: true,
        state,
        extra: ' maxlength="100" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}"',
      });
  return (
    group(e.general, id + inputField({ form: FORM, name: 'name', label: e.name, required: true, state, extra: ' maxlength="200"' })) +
    group(e.businessHours, field('businessHours.start', e.start, '', 'time') + field('businessHours.end', e.end, '', 'time')) +
    days(state) +
    group(e.smsHours, field('smsHours.start', e.start, '', 'time') + field('smsHours.end', e.end, '', 'time')) +
    group(e.frequencyCap, field('frequencyCap.perDay', e.perDay, whole(1, 10)) + field('frequencyCap.perWeek', e.perWeek, whole(1, 50))) +
    group(
      e.holds,
      field('holds.promiseGraceDays', e.promiseGraceDays, whole(0, 30)) +
        field('holds.disputeGraceDays', e.disputeGraceDays, whole(0, 30)) +
        field('holds.maxPromiseDays', e.maxPromiseDays, whole(1, 180)) +
        field('holds.paymentClaimDays', e.paymentClaimDays, whole(1, 30)) +
        field('maxSilenceDays', e.maxSilenceDays, whole(MIN_SILENCE_DAYS, MAX_SILENCE_DAYS)),
    ) +
    group(
      e.closedDates,
      textareaField({
        form: FORM,
        name: 'closedDates',
        label: e.closedDates,
        hint: e.closedDatesHint,
        maxlength: 366 * 11,
        rows: 4,
        state,
      }),
    )
  );
}

/** One step's fields; an existing step's are required (untick nothing to keep it), the empty row's are not. */
function stepRow(tier: number, index: number, state: FormState, existing: boolean): string {
  const at = `tiers.${tier - 1}.steps.${index}`;
  const required = existing;
  const options = (codes: readonly string[], labels: Readonly<Record<string, string>>) =>
    codes.map((code) => ({ value: code, label: labelFor(labels, code) }));
  const fields =
    inputField({
      form: FORM,
      name: `${at}.stepId`,
      label: e.stepId,
      required,
      state,
      extra: ' maxlength="100" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}"',
    }) +
    inputField({
      form: FORM,
      name: `${at}.offsetDays`,
      label: e.offsetDays,
      hint: e.offsetHint,
      type: 'number',
      required,
      state,
      extra: whole(-90, 730),
    }) +
    selectField({
      form: FORM,
      name: `${at}.channel`,
      label: e.channel,
      options: options(channels, w.channels),
      blank: e.choose,
      required,
      state,
    }) +
    selectField({ form: FORM, name: `${at}.tone`, label: e.tone, options: options(tones, e.tones), blank: e.choose, required, state }) +
    inputField({ form: FORM, name: `${at}.template`, label: e.template, state, extra: ' maxlength="100"' }) +
    inputField({ form: FORM, name: `${at}.taskDeadlineDays`, label: e.taskDeadlineDays, type: 'number', state, extra: whole(1, 90) }) +
    inputField({
      form: FORM,
      name: `${at}.conditions.segments`,
      label: e.segments,
      hint: e.segmentsHint,
      state,
      extra: ' maxlength="3300"',
    }) +
    inputField({
      form: FORM,
      name: `${at}.conditions.minBalance.currency`,
      label: e.minBalanceCurrency,
      state,
      extra: ' maxlength="3" pattern="[A-Z]{3}"',
    }) +
    inputField({
      form: FORM,
      name: `${at}.conditions.minBalance.amount`,
      label: e.minBalanceAmount,
      state,
      extra: ' inputmode="decimal" maxlength="32" pattern="[0-9]+(\\.[0-9]+)?"',
    });
  const removeId = fieldId(FORM, `${at}.remove`);
  const remove = existing
    ? `<p><input type="checkbox" id="${removeId}" name="${at}.remove" value="true"><label class="check" for="${removeId}">${text(e.removeStep)}</label></p>`
    : `<p class="hint">${text(e.newStepHint)}</p>`;
  return group(existing ? e.step(tier, index + 1) : e.newStep(tier), remove + fields);
}

/** How many steps a tier has in the values: one past the highest index that has any field. */
function stepCount(values: Readonly<Record<string, string>>, tier: number): number {
  const prefix = `tiers.${tier - 1}.steps.`;
  let count = 0;
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith(prefix) || key.endsWith('.remove') || value === '') continue;
    count = Math.max(count, Number(key.slice(prefix.length).split('.')[0]) + 1);
  }
  return count;
}

function tiers(state: FormState): string {
  const values = state.values ?? {};
  return TIERS.map((tier) => {
    const count = stepCount(values, tier);
    let rows = `<input type="hidden" name="tiers.${tier - 1}.tier" value="${tier}"><p class="hint">${text(e.tierHint)}</p>`;
    for (let index = 0; index < count; index++) rows += stepRow(tier, index, state, true);
    rows += stepRow(tier, count, state, false);
    return `<section aria-labelledby="tier-${tier}-heading">${heading(2, e.tier(tier), `tier-${tier}-heading`)}${rows}</section>`;
  }).join('');
}

const change = (current: number | null, draft: number | null) => {
  if (current === null || draft === null) return w.notAvailable;
  const difference = Math.round((draft - current) * 100) / 100;
  return `${difference > 0 ? '+' : ''}${new Intl.NumberFormat(w.locale, { maximumFractionDigits: 2 }).format(difference)}`;
};

/** The simulator's figures side by side: published version, draft, and the change. */
function simulationTable(simulation: NonNullable<PolicyEditView['simulation']>, currentName: string): string {
  const k = e.simulationKpis;
  const number = (value: number | null) =>
    value === null ? w.notAvailable : new Intl.NumberFormat(w.locale, { maximumFractionDigits: 2 }).format(value);
  const usd = (value: number | null) =>
    value === null ? w.notAvailable : new Intl.NumberFormat(w.locale, { style: 'currency', currency: 'USD' }).format(value);
  const rows: [string, (kpis: PolicyKpis) => number | null, (value: number | null) => string][] = [
    [k.dso, (kpis) => kpis.dso, number],
    [k.cei, (kpis) => kpis.cei, number],
    [k.collected30, (kpis) => kpis.collectedShare['30'], number],
    [k.collected60, (kpis) => kpis.collectedShare['60'], number],
    [k.collected90, (kpis) => kpis.collectedShare['90'], number],
    [k.email, (kpis) => kpis.messages.email, number],
    [k.sms, (kpis) => kpis.messages.sms, number],
    [k.tasks, (kpis) => kpis.tasks, number],
    [k.sendCostUsd, (kpis) => kpis.sendCostUsd, usd],
  ];
  return dataTable(
    e.simulationCaption(currentName, e.draftColumn),
    [
      { header: text(e.metric) },
      { header: text(e.currentColumn(currentName)), numeric: true },
      { header: text(e.draftColumn), numeric: true },
      { header: text(e.change), numeric: true },
    ],
    rows.map(([label, read, show]) => {
      const current = read(simulation.current);
      const draft = read(simulation.draft);
      return [text(label), text(show(current)), text(show(draft)), text(change(current, draft))];
    }),
  );
}

/** `GET /console/policies/{id}` and `/console/policies/new` (finance only): the form, and the last simulation's result. */
export function renderPolicyEdit(view: PolicyEditView, ctx: ConsoleContext): string {
  const values = view.values ?? policyFormValues(view.current ?? policyView(defaultPolicy));
  const state: FormState = { values, errors: view.errors };
  const title = view.current ? e.title(view.current.name) : e.titleNew;
  const action = view.policyId ? consolePaths.policy(view.policyId) : consolePaths.newPolicy;
  const buttons =
    `<button type="submit" name="intent" value="simulate" class="secondary">${text(e.simulate)}</button> ` +
    `<button type="submit" name="intent" value="publish">${text(e.publish)}</button>`;
  const simulation = view.simulation
    ? `<section aria-labelledby="simulation-heading">${heading(2, e.simulationHeading, 'simulation-heading')}${view.simulationBasis ? `<p class="hint" id="simulation-basis">${text(view.simulationBasis)}</p>` : ''}${simulationTable(view.simulation, view.current?.name ?? defaultPolicy.name)}</section>`
    : '';
  const body =
    heading(1, title) +
    flash(view.published ? w.flash.policyPublished : undefined) +
    (view.current ? `<p>${text(e.basedOn(view.current.version))}</p>` : '') +
    simulation +
    `<form method="post" action="${text(action)}">${csrfField(ctx.csrfToken)}${errorSummary(FORM, state)}` +
    `${general(view, state)}${tiers(state)}${buttons}</form>`;
  return consolePage(title, body, ctx);
}
