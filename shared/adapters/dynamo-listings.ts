import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LISTING_ATTRIBUTE, type ListIndex } from '#contracts/table-indexes.ts';

/** Items a filtered query reads per request: a filter applies after the read, so small pages would mean many round trips. */
const FILTERED_PAGE = 100;

export interface ListingQuery {
  readonly index: ListIndex;
  readonly partition: string;
  /**
   * Sort keys that start with a date (`<date>#<id>`), from ≤ date < before. A bound is a bare
   * date, which no sort key equals, so `< before` and BETWEEN's inclusive upper end agree.
   */
  readonly range?: { readonly from?: string | undefined; readonly before?: string | undefined } | undefined;
  /** Resume strictly after this entry: its sort key and the table key of its item. */
  readonly after?: { readonly sortKey: string; readonly itemKey: Readonly<Record<string, string>> } | undefined;
  /** Only listings whose field has this value (applied by DynamoDB after reading, before returning). */
  readonly where?: { readonly field: string; readonly value: string } | undefined;
  /** Stop once this many listings are collected. */
  readonly wanted: number;
}

/**
 * The `listing` maps of one list-index partition in sort-key order, after `after`, until
 * `wanted` are collected or the partition ends. Only the listing is read (the index projects
 * nothing else besides keys).
 */
export async function queryListings(client: DynamoDBDocumentClient, tableName: string, query: ListingQuery): Promise<unknown[]> {
  const { index, range } = query;
  const names: Record<string, string> = { '#pk': index.partitionKey, '#listing': LISTING_ATTRIBUTE };
  const values: Record<string, unknown> = { ':partition': query.partition };
  let after = query.after;
  // A position outside the range: past its end, nothing is left; before its start (the range
  // moved on with the clock), the range's own start comes first. DynamoDB refuses a start key
  // that does not match the key condition, so it is not sent then.
  if (after && range?.before !== undefined && after.sortKey >= range.before) return [];
  if (after && range?.from !== undefined && after.sortKey < range.from) after = undefined;
  let condition = '#pk = :partition';
  if (range?.from !== undefined && range.before !== undefined) {
    if (range.from >= range.before) return [];
    condition += ' AND #sk BETWEEN :from AND :before';
    Object.assign(values, { ':from': range.from, ':before': range.before });
  } else if (range?.from !== undefined) {
    condition += ' AND #sk >= :from';
    values[':from'] = range.from;
  } else if (range?.before !== undefined) {
    condition += ' AND #sk < :before';
    values[':before'] = range.before;
  }
  if (condition.includes('#sk')) names['#sk'] = index.sortKey;
  if (query.where) {
    names['#field'] = query.where.field;
    values[':value'] = query.where.value;
  }

  const found: unknown[] = [];
  let startKey: Record<string, unknown> | undefined = after
    ? { ...after.itemKey, [index.partitionKey]: query.partition, [index.sortKey]: after.sortKey }
    : undefined;
  do {
    const remaining = query.wanted - found.length;
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.indexName,
        KeyConditionExpression: condition,
        ...(query.where ? { FilterExpression: '#listing.#field = :value' } : {}),
        ProjectionExpression: '#listing',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        Limit: query.where ? Math.max(remaining, FILTERED_PAGE) : remaining,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (found.length < query.wanted) found.push(item[LISTING_ATTRIBUTE]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && found.length < query.wanted);
  return found;
}
