// CellDesk's copy of plotly.js's global style rules (src/renderer/src/charts/plotly.css) must match the installed
// plotly.js, or charts would lose styling silently after an upgrade: see [Note: Plotly under the CSP].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { REPO_ROOT } from '../helpers/shared';

/** The rule table plotly.js feeds to addStyleRule at load ({"X,X div": "...", ...}), read from its bundle. */
function plotlyRuleTable(): Record<string, string> {
  const bundle = readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min'), 'utf8');
  const start = bundle.indexOf('{"X,X div":');
  assert.ok(start > 0, "plotly.js's style rule table moved: regenerate plotly.css by hand from its source");
  const end = bundle.indexOf('};for(', start);
  // An object literal of string literals, from a dependency: evaluated in an empty context.
  return runInNewContext(`(${bundle.slice(start, end + 1)})`, {}) as Record<string, string>;
}

test('plotly.css holds every rule plotly.js would inject, in the order its insertRule calls leave them', () => {
  const expected = Object.entries(plotlyRuleTable())
    .map(([key, declarations]) => `${key.replace(/^,/, ' ,').replace(/X/g, '.js-plotly-plot .plotly').replace(/Y/g, '.plotly-notifier')} {${declarations}}`)
    .reverse();
  const sheet = readFileSync(join(REPO_ROOT, 'src', 'renderer', 'src', 'charts', 'plotly.css'), 'utf8');
  const rules = sheet.replace(/\/\*[\s\S]*?\*\//g, '').trim().split('\n');
  assert.ok(expected.length > 50, `${expected.length} rules`);
  assert.deepEqual(rules, expected);
});
