import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from '#ports/secrets.ts';

/** Secrets Manager, cached for five minutes per warm container so rotation is picked up. */
export class SecretsManagerSource implements SecretSource {
  private readonly client: SecretsManagerClient;
  private readonly cache = new Map<string, { value: string; fetchedAt: number }>();

  constructor(client: SecretsManagerClient) {
    this.client = client;
  }

  async read(secretId: string): Promise<string> {
    const cached = this.cache.get(secretId);
    if (cached && Date.now() - cached.fetchedAt < 300_000) return cached.value;
    const result = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!result.SecretString) throw new Error(`Secret ${secretId} has no string value`);
    this.cache.set(secretId, { value: result.SecretString, fetchedAt: Date.now() });
    return result.SecretString;
  }
}
