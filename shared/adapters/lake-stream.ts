import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import type { InvoiceChange, InvoiceImage } from '#ports/lake.ts';

const image = z.record(z.string(), z.unknown()).optional();

/** The part of a DynamoDB stream record (NEW_AND_OLD_IMAGES) the projector reads. */
const streamEvent = z.object({
  Records: z.array(
    z.object({
      eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
      dynamodb: z.object({
        SequenceNumber: z.string().min(1),
        Keys: z.record(z.string(), z.unknown()),
        NewImage: image,
        OldImage: image,
      }),
    }),
  ),
});

/** The invoice items' changes of a stream batch, in stream order; other items are not the lake's. */
export function invoiceChanges(event: unknown): InvoiceChange[] {
  const records = streamEvent.parse(event).Records;
  const toInvoice = (item: Record<string, unknown> | undefined) =>
    item ? (unmarshall(item as Record<string, AttributeValue>) as unknown as InvoiceImage) : undefined;
  return records.map((record) => {
    const isInvoice = (record.dynamodb.Keys.sk as { S?: string } | undefined)?.S === 'INVOICE';
    return {
      sequenceNumber: record.dynamodb.SequenceNumber,
      previous: isInvoice ? toInvoice(record.dynamodb.OldImage) : undefined,
      next: isInvoice && record.eventName !== 'REMOVE' ? toInvoice(record.dynamodb.NewImage) : undefined,
    };
  });
}
