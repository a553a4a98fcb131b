import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { builtInPolicy, defaultPolicy, type Policy } from '#domain/policy.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import { gsi1SortKeys, isConditionFailure } from './dynamo-invoice-store.ts';

const versionKey = (version: number) => `V#${String(version).padStart(6, '0')}`;

/**
 * Versions are immutable items (`POLICY#id` / `V#000002`); a `LATEST` item points at the newest
 * and is listed through the sparse gsi1. Publishing writes the version first (conditional: no
 * version is ever overwritten), then moves the pointer forward only; choosing the number, and
 * choosing again after a race, is the use case's (use-cases/publish-policy.ts).
 */
export class DynamoPolicyStore implements PolicyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(policyId: string, version?: number): Promise<Policy | undefined> {
    const wanted = version ?? (await this.latestVersion(policyId));
    if (wanted === undefined) return undefined;
    const builtIn = builtInPolicy({ policyId, version: wanted });
    if (builtIn) return builtIn;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `POLICY#${policyId}`, sk: versionKey(wanted) }, ConsistentRead: true }),
    );
    return Item ? (Item.policy as Policy) : undefined;
  }

  async publish(policy: Policy, now: Date): Promise<Policy> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `POLICY#${policy.policyId}`, sk: versionKey(policy.version), policy, createdAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Another publish took this number. Its pointer may not have moved yet (or never will, if
      // it died in between): move it, so the caller's fresh read finds that version.
      await this.pointLatestAt(policy.policyId, policy.version);
      throw new StaleWriteError(`Policy ${policy.policyId} version ${policy.version} was published concurrently`);
    }
    await this.pointLatestAt(policy.policyId, policy.version);
    return policy;
  }

  /** Moves the `LATEST` pointer forward to a stored version, never back. */
  private async pointLatestAt(policyId: string, version: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `POLICY#${policyId}`, sk: 'LATEST', version, gsi1pk: 'POLICIES', gsi1sk: policyId },
          ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // a newer version already points past this one
    }
  }

  async list(): Promise<Policy[]> {
    const ids = new Set<string>([defaultPolicy.policyId]);
    for await (const policyId of gsi1SortKeys(this.client, this.tableName, 'POLICIES')) ids.add(policyId);
    const policies = await Promise.all([...ids].sort().map((id) => this.get(id)));
    return policies.filter((policy): policy is Policy => policy !== undefined);
  }

  /** The stored latest version, or the built-in one for a built-in policy never edited. */
  private async latestVersion(policyId: string): Promise<number | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `POLICY#${policyId}`, sk: 'LATEST' }, ConsistentRead: true }),
    );
    if (Item) return Number(Item.version);
    return policyId === defaultPolicy.policyId ? defaultPolicy.version : undefined;
  }
}
