import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { builtInPolicy, defaultPolicy, type Policy } from '#domain/policy.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import { gsi1SortKeys, isConditionFailure } from './dynamo-invoice-store.ts';

const versionKey = (version: number) => `V#${String(version).padStart(6, '0')}`;

/**
 * Versions are immutable items (`POLICY#id` / `V#000002`); a `LATEST` item points at the newest
 * and is listed through the sparse gsi1. Publishing writes the version first (conditional: no
 * version is ever overwritten), then moves the pointer forward only.
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

  async publish(policy: Omit<Policy, 'version'>, now: Date): Promise<Policy> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const version = ((await this.latestVersion(policy.policyId)) ?? 0) + 1;
      const stored: Policy = { ...policy, version };
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: `POLICY#${policy.policyId}`, sk: versionKey(version), policy: stored, createdAt: now.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) continue; // another publish took this version number
        throw error;
      }
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: `POLICY#${policy.policyId}`, sk: 'LATEST', version, gsi1pk: 'POLICIES', gsi1sk: policy.policyId },
            ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
            ExpressionAttributeValues: { ':version': version },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error; // a newer version already points past ours
      }
      return stored;
    }
    throw new Error(`Could not publish policy ${policy.policyId}: too many concurrent versions`);
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
