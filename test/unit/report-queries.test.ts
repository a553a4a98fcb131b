import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { boundReportSql, reportQueries, reportSql, sqlLiteral } from '#contracts/report-queries.ts';

describe('boundReportSql', () => {
  test('writes every parameter into its placeholder, in order, and leaves no placeholder behind', () => {
    const sql = boundReportSql('kpis', 'Europe/Berlin', { from: '2026-11-01', to: '2026-11-30', currency: 'EUR' });
    assert.match(sql, /CAST\('2026-11-01' AS DATE\)/);
    assert.ok(sql.indexOf("'2026-11-01'") < sql.indexOf("'2026-11-30'"), 'from before to');
    assert.ok(sql.includes("'EUR'"));
    assert.ok(sql.includes("AT TIME ZONE 'Europe/Berlin'"));
    const placeholders = reportSql('kpis', 'UTC')
      .split('\n')
      .map((line) => line.replace(/--.*$/, ''))
      .join('\n')
      .match(/\?/g);
    assert.equal(placeholders?.length, 3);
    assert.equal(
      sql
        .split('\n')
        .map((line) => line.replace(/--.*$/, ''))
        .join('\n')
        .includes('?'),
      false,
    );
  });

  test('every report binds exactly the parameters it declares', () => {
    const values = { asOf: '2026-12-31', from: '2026-12-01', to: '2026-12-31', currency: 'JPY' };
    for (const query of reportQueries) assert.doesNotThrow(() => boundReportSql(query.name, 'UTC', values), query.name);
  });

  test('a missing parameter or a bad zone is refused, not run', () => {
    assert.throws(() => boundReportSql('aging', 'UTC', { asOf: '2026-12-31' }), /needs the parameter currency/);
    assert.throws(() => boundReportSql('aging', "UTC' OR 1=1 --", { asOf: '2026-12-31', currency: 'EUR' }), /IANA zone/);
  });

  test('literals are quoted and cannot close their quote', () => {
    assert.equal(sqlLiteral("O'Brien"), "'O''Brien'");
    assert.throws(() => sqlLiteral('a\nb'), /control characters/);
  });
});
