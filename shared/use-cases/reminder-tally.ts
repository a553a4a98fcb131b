/**
 * What one wake-up did with reminders, counted as it happens, so that a wake-up failing half-way
 * still reports what it sent. The advance handler turns it into metrics (the operations alarm on
 * unconfirmed reminders reads them); the use cases only count.
 */
export interface ReminderTally {
  /** Reminders the provider accepted and that were recorded sent. */
  sent: number;
  /** Reminder sends that failed and were recorded `reminder.failed` for a later retry. */
  failed: number;
  /** Steps recorded `reminder.unconfirmed`: claimed by an attempt that did not finish; never sent again. */
  unconfirmed: number;
}

export function emptyReminderTally(): ReminderTally {
  return { sent: 0, failed: 0, unconfirmed: 0 };
}
