/**
 * A cadence is the ordered list of reminder steps an invoice goes through, each at an
 * offset in days from the due date, sent at a local time of day in the customer's zone.
 * Until policies arrive (issue 3) every invoice runs the built-in default cadence.
 */
export type Tone = 'friendly' | 'firm' | 'final';

export interface CadenceStep {
  readonly stepId: string;
  readonly offsetDays: number;
  readonly channel: 'email';
  readonly tone: Tone;
}

export interface Cadence {
  readonly cadenceId: string;
  /** Local wall-clock time of day at which a step is due, "HH:MM". */
  readonly sendAt: string;
  readonly steps: readonly CadenceStep[];
}

export const defaultCadence: Cadence = {
  cadenceId: 'builtin-default-v1',
  sendAt: '09:00',
  steps: [
    { stepId: 'pre-3', offsetDays: -3, channel: 'email', tone: 'friendly' },
    { stepId: 'post-3', offsetDays: 3, channel: 'email', tone: 'firm' },
    { stepId: 'post-14', offsetDays: 14, channel: 'email', tone: 'final' },
  ],
};

const cadences = new Map([[defaultCadence.cadenceId, defaultCadence]]);

export function cadenceById(cadenceId: string): Cadence {
  const cadence = cadences.get(cadenceId);
  if (!cadence) throw new Error(`Unknown cadence ${cadenceId}`);
  return cadence;
}
