/**
 * Ids of disputes, promises, holds and payment plans carry their invoice
 * (`DSP.<invoiceId>.<n>`), so no lookup table is needed to find the invoice of one.
 */
export type ChildKind = 'DSP' | 'PRM' | 'HLD' | 'PLN';

const childIdPattern = /^(DSP|PRM|HLD|PLN)\.(.+)\.(\d{1,6})$/;

export function childId(kind: ChildKind, invoiceId: string, ordinal: number): string {
  return `${kind}.${invoiceId}.${ordinal}`;
}

export function parseChildId(id: string): { kind: string; invoiceId: string } | undefined {
  const match = childIdPattern.exec(id);
  return match ? { kind: match[1] ?? '', invoiceId: match[2] ?? '' } : undefined;
}
