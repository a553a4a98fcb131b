import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { addDays } from '#domain/calendar.ts';
import {
  ageTier,
  assessRisk,
  daysPastDue,
  effectiveTier,
  HALF_LIFE_DAYS,
  type InvoiceHistory,
  MAX_POINTS,
  type RiskAssessment,
  type RiskDriverName,
  type Tier,
  tierForScore,
} from '#domain/risk.ts';

const today = '2026-06-30';

/** An invoice due `dueDaysAgo` days before today, paid `paidDaysLate` days after its due date (null: still open). */
function invoice(dueDaysAgo: number, paidDaysLate: number | null, extra: Partial<InvoiceHistory> = {}): InvoiceHistory {
  const dueDate = addDays(today, -dueDaysAgo);
  return {
    invoiceId: `inv-${dueDaysAgo}`,
    dueDate,
    settledOn: paidDaysLate === null ? null : addDays(dueDate, paidDaysLate),
    writtenOffOn: null,
    disputed: false,
    promisesMade: 0,
    promisesBroken: 0,
    remindersSent: 0,
    responded: false,
    ...extra,
  };
}

/** An invoice due `dueDaysAgo` days before today that was never paid and was written off `writtenOffDaysLate` days after its due date. */
function writtenOff(dueDaysAgo: number, writtenOffDaysLate: number, extra: Partial<InvoiceHistory> = {}): InvoiceHistory {
  const unpaid = invoice(dueDaysAgo, null, extra);
  return { ...unpaid, writtenOffOn: addDays(unpaid.dueDate, writtenOffDaysLate) };
}

/** Words that would call an invoice paid ("unpaid" is not one of them). */
const saysPaid = /\bpaid\b/i;

/** One invoice a month for `count` months, the most recent due 15 days ago. */
function monthly(count: number, make: (dueDaysAgo: number, index: number) => InvoiceHistory): InvoiceHistory[] {
  return Array.from({ length: count }, (_, index) => make(15 + 30 * index, index));
}

function driver(assessment: RiskAssessment, name: RiskDriverName) {
  const found = assessment.drivers.find((entry) => entry.driver === name);
  assert.ok(found, `expected a ${name} driver in ${JSON.stringify(assessment.drivers)}`);
  return found;
}

function assertWellFormed(assessment: RiskAssessment): void {
  assert.ok(Number.isInteger(assessment.score) && assessment.score >= 0 && assessment.score <= 100, `score ${assessment.score}`);
  assert.equal(assessment.tier, tierForScore(assessment.score));
  assert.equal(
    assessment.drivers.reduce((sum, entry) => sum + entry.points, 0),
    assessment.score,
  );
  for (const [index, entry] of assessment.drivers.entries()) {
    assert.ok(Number.isInteger(entry.points) && entry.points >= 0 && entry.points <= MAX_POINTS[entry.driver], JSON.stringify(entry));
    assert.ok(entry.explanation.length > 0);
    const next = assessment.drivers[index + 1];
    if (next) assert.ok(entry.points >= next.points, 'drivers are sorted by points, highest first');
  }
  assert.equal(new Set(assessment.drivers.map((entry) => entry.driver)).size, assessment.drivers.length);
}

describe('assessRisk: stories', () => {
  test('a new customer with no history starts at tier 1 with a score of 0 and no drivers', () => {
    assert.deepEqual(assessRisk([], today), { score: 0, tier: 1, drivers: [], basis: { invoices: 0, settled: 0 } });
  });

  test('a reliable payer scores 0, tier 1, and the drivers say why', () => {
    const history = monthly(12, (ago, i) => invoice(ago, i % 3 === 0 ? -2 : 0, { remindersSent: 1, responded: true }));
    const assessment = assessRisk(history, today);
    assertWellFormed(assessment);
    assert.equal(assessment.score, 0);
    assert.equal(assessment.tier, 1);
    assert.deepEqual(assessment.basis, { invoices: 12, settled: 12 });
    assert.deepEqual(
      assessment.drivers.map((entry) => [entry.driver, entry.points, entry.explanation]),
      [
        ['average_days_late', 0, 'Pays on time on average'],
        ['share_paid_late', 0, 'Paid 0 of 12 invoices more than 3 days late'],
        ['dispute_rate', 0, 'Disputed 0 of 12 invoices'],
        ['unresponsiveness', 0, 'No reaction to reminders on 0 of 12 reminded invoices'],
        ['written_off', 0, '0 of 12 invoices written off as bad debt'],
      ],
    );
  });

  test('paying within the 3-day tolerance is not late', () => {
    const assessment = assessRisk(
      monthly(6, (ago) => invoice(ago, 3)),
      today,
    );
    assert.equal(driver(assessment, 'share_paid_late').value, 0);
    assert.equal(driver(assessment, 'average_days_late').value, 3);
    assert.equal(assessment.score, 1); // 25 × 3/60 = 1.25 → 1
  });

  test('a chronic 45-days-late payer starts at tier 2, lateness leading', () => {
    const assessment = assessRisk(
      monthly(12, (ago) => invoice(ago, 45)),
      today,
    );
    assertWellFormed(assessment);
    assert.ok(assessment.tier >= 2);
    assert.equal(assessment.score, 34); // 25 × 45/60 = 18.75 → 19, plus all 15 for the share
    assert.deepEqual(
      assessment.drivers.slice(0, 2).map((entry) => [entry.driver, entry.value, entry.points, entry.explanation]),
      [
        ['average_days_late', 45, 19, '45 days late on average (recent invoices count most)'],
        ['share_paid_late', 1, 15, 'Paid 12 of 12 invoices more than 3 days late'],
      ],
    );
  });

  test('a serial disputer is at least tier 2 with the dispute rate as the top driver', () => {
    // Every other invoice disputed; the disputed ones are paid 40 days late once resolved.
    const history = monthly(10, (ago, i) => (i % 2 === 0 ? invoice(ago, 40, { disputed: true }) : invoice(ago, 0)));
    const assessment = assessRisk(history, today);
    assertWellFormed(assessment);
    assert.ok(assessment.tier >= 2, `tier ${assessment.tier}`);
    const top = assessment.drivers[0];
    assert.equal(top?.driver, 'dispute_rate');
    assert.equal(top?.points, MAX_POINTS.dispute_rate);
    assert.equal(top?.explanation, 'Disputed 5 of 10 invoices');
  });

  test('broken promises lead the drivers and push a punctual-looking customer up', () => {
    const history = [
      invoice(20, 25, { promisesMade: 2, promisesBroken: 1, remindersSent: 3, responded: true }),
      invoice(50, 30, { promisesMade: 1, promisesBroken: 1, remindersSent: 3, responded: true }),
      invoice(80, 0),
      invoice(110, 0),
    ];
    const assessment = assessRisk(history, today);
    assertWellFormed(assessment);
    const broken = driver(assessment, 'broken_promises');
    assert.equal(assessment.drivers[0], broken);
    assert.equal(broken.explanation, 'Broke 2 of 3 promises to pay');
    assert.ok(broken.points >= 0.75 * MAX_POINTS.broken_promises, `points ${broken.points}`);
    assert.ok(assessment.tier >= 2);
  });

  test('an unresponsive customer with invoices overdue now lands at tier 2, with the open ones counted as late', () => {
    const history = [
      invoice(70, null, { remindersSent: 4 }),
      invoice(40, null, { remindersSent: 2 }),
      invoice(10, null, { remindersSent: 1 }),
      invoice(100, 60, { remindersSent: 5 }),
    ];
    const assessment = assessRisk(history, today);
    assertWellFormed(assessment);
    // 46 since the written_off driver took room from unresponsiveness (51, tier 3, before).
    assert.deepEqual([assessment.score, assessment.tier], [46, 2]);
    assert.deepEqual(assessment.basis, { invoices: 4, settled: 1 });
    const silent = driver(assessment, 'unresponsiveness');
    assert.deepEqual([silent.value, silent.points, silent.explanation], [1, 5, 'No reaction to reminders on 4 of 4 reminded invoices']);
    const open = driver(assessment, 'open_overdue');
    assert.deepEqual([open.value, open.points, open.explanation], [70, 8, '3 of 3 open invoices past due, the oldest by 70 days']);
    assert.equal(driver(assessment, 'share_paid_late').explanation, '4 of 4 invoices more than 3 days late (3 of them still unpaid)');
    assert.equal(
      driver(assessment, 'average_days_late').explanation,
      '42 days late on average, counting 3 unpaid by their days past due so far (recent invoices count most)',
    );
  });

  test('an open invoice not yet due adds nothing', () => {
    const assessment = assessRisk([invoice(-10, null)], today);
    assertWellFormed(assessment);
    assert.equal(assessment.score, 0);
    assert.deepEqual(
      assessment.drivers.map((entry) => [entry.driver, entry.explanation]),
      [
        ['dispute_rate', 'Disputed 0 of 1 invoice'],
        ['open_overdue', 'None of 1 open invoice is past due'],
        ['written_off', '0 of 1 invoice written off as bad debt'],
      ],
    );
  });

  test('recent invoices weigh more: an invoice due one half-life ago counts half', () => {
    const assessment = assessRisk([invoice(0, 0), invoice(HALF_LIFE_DAYS, 60)], today);
    const late = driver(assessment, 'average_days_late');
    assert.equal(late.value, 20); // (0 × 1 + 60 × ½) / 1½
    assert.equal(late.points, 8); // 25 × 20/60 = 8.33
    assert.equal(late.explanation, '20 days late on average (recent invoices count most)');
    assert.equal(driver(assessment, 'share_paid_late').explanation, 'Paid 1 of 2 invoices more than 3 days late');
  });

  test('a customer who reformed scores lower than one who went bad', () => {
    const reformed = [...monthly(4, (ago) => invoice(ago, 0)), ...monthly(4, (ago) => invoice(ago + 360, 60))];
    const wentBad = [...monthly(4, (ago) => invoice(ago, 60)), ...monthly(4, (ago) => invoice(ago + 360, 0))];
    const better = assessRisk(reformed, today);
    const worse = assessRisk(wentBad, today);
    assert.ok(better.score < worse.score, `${better.score} < ${worse.score}`);
    assert.ok(better.tier <= worse.tier);
  });

  test('rejects dates and counts it cannot measure', () => {
    assert.throws(() => assessRisk([], '2026-02-30'), RangeError);
    assert.throws(() => assessRisk([{ ...invoice(10, 0), dueDate: '30/06/2026' }], today), RangeError);
    assert.throws(() => assessRisk([{ ...invoice(10, 0), settledOn: '2026-13-01' }], today), RangeError);
    assert.throws(() => assessRisk([invoice(10, 0, { promisesBroken: -1 })], today), /promisesBroken of invoice inv-10/);
    assert.throws(() => assessRisk([invoice(10, 0, { remindersSent: 1.5 })], today), RangeError);
    assert.throws(() => assessRisk([{ ...writtenOff(10, 5), writtenOffOn: '2026-02-30' }], today), /writtenOffOn of invoice inv-10/);
    assert.throws(() => assessRisk([{ ...invoice(10, 0), writtenOffOn: today }], today), /both settled and written off/);
  });
});

describe('assessRisk: written off and never paid', () => {
  // Eleven invoices paid on the due date, and one due 200 days ago: paid late, or written off.
  const goodRecord = monthly(11, (ago) => invoice(ago + 30, 0, { remindersSent: 1, responded: true }));

  test('a write-off is bad debt: it scores worse than paying the same invoice late, however late', () => {
    const lost = assessRisk([...goodRecord, writtenOff(200, 180, { remindersSent: 6 })], today);
    assertWellFormed(lost);
    for (const daysLate of [30, 90, 180, 200]) {
      const paidLate = assessRisk([...goodRecord, invoice(200, daysLate, { remindersSent: 6 })], today);
      assert.ok(lost.score > paidLate.score, `written off ${lost.score} > paid ${daysLate} days late ${paidLate.score}`);
      assert.ok(lost.tier >= paidLate.tier);
    }
    assert.ok(lost.tier >= 2, `tier ${lost.tier}, score ${lost.score}`);
    assert.deepEqual(lost.basis, { invoices: 12, settled: 11 }, 'a written-off invoice was not settled');
    assert.deepEqual(
      lost.drivers.map((entry) => [entry.driver, entry.points, entry.explanation]),
      [
        ['written_off', MAX_POINTS.written_off, '1 of 12 invoices written off as bad debt'],
        [
          'average_days_late',
          6,
          '15 days late on average, counting 1 written off by their days past due so far (recent invoices count most)',
        ],
        ['share_paid_late', 1, '1 of 12 invoices more than 3 days late (1 of them written off)'],
        ['dispute_rate', 0, 'Disputed 0 of 12 invoices'],
        ['unresponsiveness', 0, 'No reaction to reminders on 1 of 12 reminded invoices'],
      ],
    );
  });

  test('a written-off invoice stays late as long as it stays unpaid: by its days past due so far, at least to the write-off day', () => {
    const lateness = (history: InvoiceHistory) => driver(assessRisk([history], today), 'average_days_late').value;
    assert.equal(lateness(writtenOff(100, 90)), 100, 'written off 10 days ago, unpaid for 100 days');
    assert.equal(lateness(writtenOff(300, 190)), 300);
    assert.equal(lateness(writtenOff(10, 20)), 20, 'dated after today: at least to the write-off day');
    assert.equal(lateness(invoice(100, 90)), 90, 'paid on that day instead');
    const alone = assessRisk([writtenOff(200, 180, { remindersSent: 6 })], today);
    assert.ok(alone.tier >= 3, `a customer whose only invoice was written off: tier ${alone.tier}, score ${alone.score}`);
  });

  test('the written_off driver halves with each half-life after the due date, and counts write-offs, not their share', () => {
    const points = (history: InvoiceHistory[]) => driver(assessRisk(history, today), 'written_off');
    assert.deepEqual([points([writtenOff(360, 180)]).value, points([writtenOff(360, 180)]).points], [0.25, MAX_POINTS.written_off]);
    assert.deepEqual([points([writtenOff(540, 180)]).value, points([writtenOff(540, 180)]).points], [0.13, MAX_POINTS.written_off / 2]);
    const many = [...monthly(24, (ago) => invoice(ago, 0)), { ...writtenOff(200, 180), invoiceId: 'lost' }];
    assert.equal(points(many).points, MAX_POINTS.written_off, 'one unpaid debt is a loss however many invoices were paid');
    assert.equal(points(many).explanation, '1 of 25 invoices written off as bad debt');
  });

  test('explanations name written-off and unpaid invoices for what they are, and never call them paid', () => {
    const assessment = assessRisk([invoice(150, 0), writtenOff(120, 100), invoice(40, null, { remindersSent: 2 })], today);
    assertWellFormed(assessment);
    assert.equal(
      driver(assessment, 'share_paid_late').explanation,
      '2 of 3 invoices more than 3 days late (1 of them written off, 1 still unpaid)',
    );
    assert.equal(
      driver(assessment, 'average_days_late').explanation,
      '54 days late on average, counting 1 written off and 1 unpaid by their days past due so far (recent invoices count most)',
    );
    for (const entry of assessment.drivers) assert.doesNotMatch(entry.explanation, saysPaid, `${entry.driver}: ${entry.explanation}`);
    // Written off before it was even late: still not "paid", nor "on time".
    const early = assessRisk([writtenOff(-10, -20)], today);
    assert.deepEqual(
      early.drivers.map((entry) => entry.explanation),
      [
        '1 of 1 invoice written off as bad debt',
        '0 days late on average, counting 1 written off by their days past due so far (recent invoices count most)',
        '0 of 1 invoice more than 3 days late',
        'Disputed 0 of 1 invoice',
      ],
    );
  });
});

describe('tiers', () => {
  test('the score thresholds', () => {
    const table: [number, Tier][] = [
      [0, 1],
      [24, 1],
      [25, 2],
      [49, 2],
      [50, 3],
      [74, 3],
      [75, 4],
      [100, 4],
    ];
    for (const [score, tier] of table) assert.equal(tierForScore(score), tier, `score ${score}`);
  });

  test('the age buckets of the 4-tier matrix', () => {
    const table: [number, Tier][] = [
      [-10, 1],
      [0, 1],
      [1, 1],
      [30, 1],
      [31, 2],
      [60, 2],
      [61, 3],
      [90, 3],
      [91, 4],
      [400, 4],
    ];
    for (const [days, tier] of table) assert.equal(ageTier(days), tier, `${days} days past due`);
  });

  test('effectiveTier: age escalates, never below the starting tier, boost capped at 4', () => {
    const table: [Tier, number, number, Tier][] = [
      // starting tier, days past due, boost, expected
      [1, -5, 0, 1],
      [1, 15, 0, 1],
      [1, 31, 0, 2],
      [1, 61, 0, 3],
      [1, 91, 0, 4],
      [3, -5, 0, 3],
      [3, 15, 0, 3],
      [3, 45, 0, 3],
      [2, 75, 0, 3],
      [2, 120, 0, 4],
      [1, 15, 1, 2],
      [2, 45, 1, 3],
      [3, 10, 1, 4],
      [4, 10, 1, 4],
      [1, 95, 2, 4],
      [2, 10, 5, 4],
    ];
    for (const [starting, days, boost, expected] of table) {
      assert.equal(effectiveTier(starting, days, boost), expected, `start ${starting}, ${days} days, boost ${boost}`);
    }
    assert.equal(effectiveTier(2, 40), 2);
  });

  test('effectiveTier rejects a boost that is not a non-negative integer', () => {
    assert.throws(() => effectiveTier(1, 10, -1), RangeError);
    assert.throws(() => effectiveTier(1, 10, 0.5), RangeError);
    assert.throws(() => effectiveTier(1, Number.NaN), RangeError);
  });

  test('effectiveTier properties: at least the starting tier and the age tier, at most 4, monotone in days and boost', () => {
    const tier = fc.constantFrom<Tier>(1, 2, 3, 4);
    fc.assert(
      fc.property(
        tier,
        fc.integer({ min: -60, max: 400 }),
        fc.nat(6),
        fc.nat(60),
        fc.nat(2),
        (starting, days, boost, moreDays, moreBoost) => {
          const result = effectiveTier(starting, days, boost);
          assert.ok(result >= starting && result >= ageTier(days) && result <= 4);
          assert.ok(effectiveTier(starting, days + moreDays, boost + moreBoost) >= result);
        },
      ),
    );
  });
});

describe('daysPastDue', () => {
  test('counts calendar days across months, leap years and year ends', () => {
    const table: [string, string, number][] = [
      ['2026-06-30', '2026-06-30', 0],
      ['2026-07-10', '2026-07-01', -9],
      ['2026-01-31', '2026-03-01', 29],
      ['2024-01-31', '2024-03-01', 30],
      ['2024-02-28', '2024-03-01', 2],
      ['2025-12-31', '2026-01-01', 1],
      ['2025-12-15', '2026-01-14', 30],
      ['2025-01-01', '2026-01-01', 365],
      ['2024-01-01', '2025-01-01', 366],
    ];
    for (const [due, on, expected] of table) assert.equal(daysPastDue(due, on), expected, `${due} → ${on}`);
  });

  test('is not shifted by daylight-saving changes (whole days, EU and US transitions)', () => {
    assert.equal(daysPastDue('2026-03-28', '2026-03-30'), 2); // EU spring forward 2026-03-29
    assert.equal(daysPastDue('2026-10-24', '2026-10-26'), 2); // EU fall back 2026-10-25
    assert.equal(daysPastDue('2026-03-07', '2026-03-09'), 2); // US spring forward 2026-03-08
    assert.equal(daysPastDue('2026-10-31', '2026-11-02'), 2); // US fall back 2026-11-01
    assert.equal(daysPastDue('2026-01-01', '2026-12-31'), 364);
  });

  test('inverts addDays for any date and offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: -1500, max: 1500 }), (start, offset) => {
        const due = addDays('2000-01-01', start);
        assert.equal(daysPastDue(due, addDays(due, offset)), offset);
      }),
    );
  });

  test('rejects what is not a calendar date', () => {
    assert.throws(() => daysPastDue('2026-02-29', '2026-03-01'), RangeError);
    assert.throws(() => daysPastDue('2026-03-01', '2026-03-01T00:00:00Z'), RangeError);
  });
});

describe('assessRisk: properties', () => {
  const historyEntry = fc
    .record({
      id: fc.nat(9999),
      dueDaysAgo: fc.integer({ min: -60, max: 900 }),
      paidDaysLate: fc.option(fc.integer({ min: -30, max: 200 }), { nil: null }),
      disputed: fc.boolean(),
      promisesMade: fc.nat(3),
      promisesBroken: fc.nat(3),
      remindersSent: fc.nat(5),
      responded: fc.boolean(),
      writtenOff: fc.boolean(),
    })
    .map(({ id, dueDaysAgo, paidDaysLate, promisesMade, promisesBroken, writtenOff, ...rest }): InvoiceHistory => {
      const entry = {
        ...invoice(dueDaysAgo, paidDaysLate, { ...rest, promisesMade: Math.max(promisesMade, promisesBroken), promisesBroken }),
        invoiceId: `inv-${id}`,
      };
      // Never paid: written off on the day it would have been paid.
      return writtenOff && entry.settledOn !== null ? { ...entry, settledOn: null, writtenOffOn: entry.settledOn } : entry;
    });
  const history = fc.uniqueArray(historyEntry, { maxLength: 15, selector: (entry) => entry.invoiceId });

  type Worsening = (entry: InvoiceHistory) => InvoiceHistory;
  const worsening: fc.Arbitrary<Worsening> = fc.oneof(
    fc.integer({ min: 1, max: 120 }).map(
      (days): Worsening =>
        (entry) =>
          entry.settledOn !== null
            ? { ...entry, settledOn: addDays(entry.settledOn, days) }
            : entry.writtenOffOn !== null
              ? { ...entry, writtenOffOn: addDays(entry.writtenOffOn, days) }
              : entry,
    ),
    // Never paid: written off on the day it was paid, or later.
    fc.nat(120).map(
      (days): Worsening =>
        (entry) =>
          entry.settledOn === null ? entry : { ...entry, settledOn: null, writtenOffOn: addDays(entry.settledOn, days) },
    ),
    fc.constant<Worsening>((entry) => ({ ...entry, disputed: true })),
    fc.constant<Worsening>((entry) => ({
      ...entry,
      promisesBroken: entry.promisesBroken + 1,
      promisesMade: Math.max(entry.promisesMade, entry.promisesBroken + 1),
    })),
    fc.constant<Worsening>((entry) => ({ ...entry, remindersSent: Math.max(1, entry.remindersSent), responded: false })),
  );

  test('bounds: an integer score in 0..100, the sum of sorted, explained driver points, and the tier it implies', () => {
    fc.assert(
      fc.property(history, (entries) => {
        const assessment = assessRisk(entries, today);
        assertWellFormed(assessment);
        assert.equal(assessment.basis.invoices, entries.length);
        assert.equal(assessment.basis.settled, entries.filter((entry) => entry.settledOn !== null).length);
      }),
    );
  });

  test('monotone: making one invoice worse never lowers the score, the tier or any driver', () => {
    fc.assert(
      fc.property(history, fc.nat(), fc.array(worsening, { minLength: 1, maxLength: 3 }), (entries, pick, steps) => {
        fc.pre(entries.length > 0);
        const index = pick % entries.length;
        const worse = entries.map((entry, i) => (i === index ? steps.reduce((acc, step) => step(acc), entry) : entry));
        const before = assessRisk(entries, today);
        const after = assessRisk(worse, today);
        assert.ok(after.score >= before.score, `score ${before.score} → ${after.score}`);
        assert.ok(after.tier >= before.tier);
        for (const entry of before.drivers) {
          assert.ok(
            driver(after, entry.driver).points >= entry.points,
            `${entry.driver} ${entry.points} → ${driver(after, entry.driver).points}`,
          );
        }
      }),
    );
  });

  test('deterministic and independent of the order of the history', () => {
    fc.assert(
      fc.property(
        history.chain((entries) => fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length }))),
        ([entries, shuffled]) => {
          const first = assessRisk(entries, today);
          assert.deepEqual(assessRisk(entries, today), first);
          assert.deepEqual(assessRisk(shuffled, today), first);
        },
      ),
    );
  });

  test('a spotless history always scores 0 at tier 1', () => {
    const spotless = historyEntry.map((entry) => ({
      ...entry,
      settledOn: entry.dueDate,
      writtenOffOn: null,
      disputed: false,
      promisesBroken: 0,
      responded: true,
    }));
    fc.assert(
      fc.property(fc.array(spotless, { maxLength: 15 }), (entries) => {
        const assessment = assessRisk(entries, today);
        assert.equal(assessment.score, 0);
        assert.equal(assessment.tier, 1);
      }),
    );
  });
  test('writing off a recent invoice instead of collecting it always raises the score', () => {
    const paidOnly = history.map((entries) =>
      entries.map((entry) => (entry.writtenOffOn === null ? entry : { ...entry, settledOn: entry.writtenOffOn, writtenOffOn: null })),
    );
    fc.assert(
      fc.property(
        paidOnly,
        fc.integer({ min: 0, max: 2 * HALF_LIFE_DAYS }),
        fc.integer({ min: -30, max: 200 }),
        (entries, dueDaysAgo, daysLate) => {
          const paid = { ...invoice(dueDaysAgo, daysLate), invoiceId: 'the-invoice' };
          const lost = { ...paid, settledOn: null, writtenOffOn: paid.settledOn };
          const before = assessRisk([...entries, paid], today);
          const after = assessRisk([...entries, lost], today);
          assert.ok(after.score > before.score, `score ${before.score} → ${after.score}`);
          assert.ok(after.tier >= before.tier);
        },
      ),
    );
  });

  test('no explanation calls an invoice paid when any invoice was written off', () => {
    fc.assert(
      fc.property(history, (entries) => {
        fc.pre(entries.some((entry) => entry.writtenOffOn !== null));
        for (const entry of assessRisk(entries, today).drivers) {
          assert.doesNotMatch(entry.explanation, saysPaid, `${entry.driver}: ${entry.explanation}`);
        }
      }),
    );
  });
});
