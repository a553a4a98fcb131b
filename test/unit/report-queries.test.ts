import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { boundReportSql, reportQueries, reportSql, sqlLiteral, writeInTokens } from '#contracts/report-queries.ts';

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

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: tokens as the SQL files spell them, not templates
describe('writeInTokens', () => {
  test('writes every token in, in order, so a value may hold a token a later one fills', () => {
    const tokens = { EventsTable: '${LakeDatabase}.invoice_events', LakeDatabase: 'dunwell_dev', ReportingTimeZone: 'UTC' };
    assert.equal(
      writeInTokens('q', "FROM ${EventsTable} AT TIME ZONE '${ReportingTimeZone}'", tokens),
      "FROM dunwell_dev.invoice_events AT TIME ZONE 'UTC'",
    );
    assert.equal(writeInTokens('q', '${A} $& $1', { A: '$& $1' }), '$& $1 $& $1', 'a value is text, not a replacement pattern');
  });

  test('a token given but not in the text, or left in it, is refused', () => {
    assert.throws(() => writeInTokens('q', '${A}', { A: 'a', B: 'b' }), /q has no \$\{B\} to write in/);
    assert.throws(() => writeInTokens('q', '${A} ${PeriodUnt}', { A: 'a' }), /q still has \$\{PeriodUnt\}/);
    assert.equal(writeInTokens('q', '${A} ${ReportingTimeZone}', { A: 'a' }, ['${ReportingTimeZone}']), 'a ${ReportingTimeZone}');
  });
});
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: tokens as the SQL files spell them, not templates
