import * as z from 'zod';
import { functionContext } from '#adapters/compose-context.ts';
import { reportQueries } from '#adapters/compose-lake.ts';
import { type HttpEvent, httpHandler, json, parseQuery } from '#adapters/http.ts';
import { EnvName } from '#contracts/functions.ts';
import { agingRequestProblems, type FieldProblem, kpiRequestProblems, type ReportQueryString } from '#domain/finance-reports.ts';
import { reportAging, reportKpis } from '#use-cases/finance-reports.ts';

const app = functionContext('reports-api');
const deps = { queries: reportQueries(app), reportingTimeZone: app.need(EnvName.reportingTimeZone) };

/** A query string checked by the report's own rules, every bad or unknown parameter named. */
function reportQuery(check: (query: ReportQueryString) => FieldProblem[]) {
  return z.record(z.string(), z.string()).superRefine((query, context) => {
    for (const problem of check(query)) context.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
  });
}

const agingQuery = reportQuery(agingRequestProblems);
const kpiQuery = reportQuery(kpiRequestProblems);

/** `GET /v1/reports/aging?asOf=&currency=`: receivables at the end of that day, from the lake's history. */
async function aging(event: HttpEvent) {
  const query = parseQuery(event, agingQuery);
  const request = { asOf: String(query.asOf), currency: String(query.currency) };
  return json(200, await reportAging(deps, request));
}

/** `GET /v1/reports/kpis?from=&to=&currency=`: DSO, CEI and the rest over the period (API.md). */
async function kpis(event: HttpEvent) {
  const query = parseQuery(event, kpiQuery);
  const request = { from: String(query.from), to: String(query.to), currency: String(query.currency) };
  return json(200, await reportKpis(deps, request));
}

export const handler = httpHandler(
  {
    'GET /v1/reports/aging': aging,
    'GET /v1/reports/kpis': kpis,
  },
  undefined,
  app.telemetry,
);
