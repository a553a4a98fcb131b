import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureTables } from '#local/tables.ts';

/**
 * An in-memory dynalite with Dunwell's tables, for adapter tests: the same DynamoDB the local
 * runtime uses. `start` before the tests, `stop` after.
 */
export function testTable(tableName = 'dunwell-test') {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return {
    tableName,
    async start(): Promise<DynamoDBClient> {
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
      const client = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await ensureTables(client, tableName, `${tableName}-local`);
      return client;
    },
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
