import assert from 'node:assert/strict';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { AthenaQueries } from '#adapters/athena-queries.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';

const athena = mockClient(AthenaClient);
beforeEach(() => athena.reset());
afterAll(() => athena.restore());

const state = (State: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED', StateChangeReason?: string) => ({
  QueryExecution: { Status: { State, ...(StateChangeReason ? { StateChangeReason } : {}) } },
});
const row = (...values: (string | undefined)[]) => ({ Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })) });
const columns = {
  ColumnInfo: [
    { Name: 'currency', Type: 'varchar' },
    { Name: 'open_minor', Type: 'varchar' },
  ],
};

function queries(sleeps: number[] = [], timeoutMs?: number) {
  return new AthenaQueries(new AthenaClient({}), {
    workGroup: 'dunwell-reports',
    database: 'dunwell_lake',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('AthenaQueries.run', () => {
  test('StartQueryExecution in the workgroup and database, polls GetQueryExecution with backoff, reads every result page', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolvesOnce(state('QUEUED')).resolvesOnce(state('RUNNING')).resolves(state('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: columns, Rows: [row('currency', 'open_minor'), row('EUR', '125000')] },
        NextToken: 'page-2',
      })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: columns, Rows: [row('USD', undefined)] } });
    const sleeps: number[] = [];
    const result = await queries(sleeps).run('SELECT currency, open_minor FROM invoice_events');
    assert.deepEqual(result, {
      columns: ['currency', 'open_minor'],
      rows: [
        ['EUR', '125000'],
        ['USD', null],
      ],
    });
    assert.deepEqual(inputsOf(athena.commandCalls(StartQueryExecutionCommand)), [
      {
        QueryString: 'SELECT currency, open_minor FROM invoice_events',
        WorkGroup: 'dunwell-reports',
        QueryExecutionContext: { Database: 'dunwell_lake' },
      },
    ]);
    assert.deepEqual(inputsOf(athena.commandCalls(GetQueryExecutionCommand)), [
      { QueryExecutionId: 'q-1' },
      { QueryExecutionId: 'q-1' },
      { QueryExecutionId: 'q-1' },
    ]);
    assert.deepEqual(sleeps, [100, 200]);
    assert.deepEqual(inputsOf(athena.commandCalls(GetQueryResultsCommand)), [
      { QueryExecutionId: 'q-1', NextToken: undefined, MaxResults: 1000 },
      { QueryExecutionId: 'q-1', NextToken: 'page-2', MaxResults: 1000 },
    ]);
  });

  test('no query execution id is an error, and nothing is polled', async () => {
    athena.on(StartQueryExecutionCommand).resolves({});
    await assert.rejects(queries().run('SELECT 1'), { message: 'Athena returned no query execution id' });
    assert.deepEqual(commandNames(athena.calls()), ['StartQueryExecutionCommand']);
  });

  test('a FAILED or CANCELLED query is an error with its reason; no results are read', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolvesOnce(state('FAILED', 'SYNTAX_ERROR: line 1')).resolves(state('CANCELLED'));
    await assert.rejects(queries().run('SELEC 1'), { message: 'Athena query q-2 FAILED: SYNTAX_ERROR: line 1' });
    await assert.rejects(queries().run('SELECT 1'), { message: 'Athena query q-2 CANCELLED: no reason given' });
    assert.equal(athena.commandCalls(GetQueryResultsCommand).length, 0);
  });

  test('past its deadline the query is stopped (StopQueryExecution) and the run fails', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    await assert.rejects(queries([], 0).run('SELECT 1'), { message: 'Athena query q-3 did not finish in time (state RUNNING)' });
    assert.deepEqual(inputsOf(athena.commandCalls(StopQueryExecutionCommand)), [{ QueryExecutionId: 'q-3' }]);
  });

  test('a failed stop does not hide the timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves(state('QUEUED'));
    athena.on(StopQueryExecutionCommand).rejects(new InvalidRequestException({ message: 'already done', ...answered(400) }));
    await assert.rejects(queries([], 0).run('SELECT 1'), /did not finish in time \(state QUEUED\)/);
  });

  test('Athena errors from the start pass through', async () => {
    const invalid = new InvalidRequestException({ message: 'no such workgroup', ...answered(400) });
    athena.on(StartQueryExecutionCommand).rejects(invalid);
    await assert.rejects(queries().run('SELECT 1'), (error) => error === invalid);
  });
});
