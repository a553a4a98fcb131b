import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { agingChart, sparkline, weeklyCashChart } from '#presentation/charts.ts';

const axis = {
  yLabel: (value: number) => String(value),
  xTitle: 'x',
  yTitle: 'y',
};

describe('console charts', () => {
  test('the aging chart draws one bar per bucket, in order, named by an escaped title', () => {
    const svg = agingChart({
      id: 'aging',
      title: 'EUR <by age>',
      buckets: ['current', '1-30', '31-60', '61-90', '91+'].map((label, index) => ({ label, value: (index + 1) * 1000 })),
      ...axis,
    });
    assert.match(svg, /^<svg class="chart" role="img" aria-labelledby="aging-title"/);
    assert.match(svg, /<title id="aging-title">EUR &lt;by age&gt;<\/title>/);
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((match) => Number(match[1]));
    assert.equal(heights.length, 5);
    assert.deepEqual(
      [...heights].sort((a, b) => a - b),
      heights,
      'bars grow with the bucket amounts',
    );
  });

  test('the weekly cash chart draws a zero week as an empty bar', () => {
    const svg = weeklyCashChart({
      id: 'cash',
      title: 'Cash',
      weeks: [
        { label: 'w1', value: 0 },
        { label: 'w2', value: 500 },
      ],
      ...axis,
    });
    assert.match(svg, /height="0"/);
    assert.equal(svg.match(/<rect /g)?.length, 2);
  });

  test('a sparkline breaks its line at missing months and marks the last value', () => {
    const svg = sparkline({ id: 'dso', title: 'DSO', values: [40, 38, null, 36, 35] });
    assert.match(svg, /role="img" aria-labelledby="dso-title"/);
    const path = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    assert.equal(path.match(/M/g)?.length, 2, 'a gap starts a new segment');
    assert.equal(path.match(/L/g)?.length, 2);
    assert.match(svg, /<circle cx="117"/);
  });

  test('a sparkline without data is still a named image, with no line', () => {
    const svg = sparkline({ id: 'none', title: 'No data', values: [null, null] });
    assert.match(svg, /<title id="none-title">No data<\/title>/);
    assert.doesNotMatch(svg, /<path|<circle/);
  });
});
