// CellDesk's copy of plotly.js's global style rules (src/renderer/src/charts/plotly.css), and the id of the stand-in
// for maplibre's, must match the installed plotly.js, or an upgrade would silently lose the charts' styling or bring
// back CSP errors: see [Note: Plotly under the CSP].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { REPO_ROOT } from '../helpers/shared';

function plotlyBundle(): string {
  return readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min'), 'utf8');
}

/** The rule table plotly.js feeds to addStyleRule at load ({"X,X div": "...", ...}), read from its bundle. */
function plotlyRuleTable(): Record<string, string> {
  const bundle = plotlyBundle();
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

test("the stand-in for maplibre's style sheet carries the id plotly.js checks before injecting it", () => {
  const ids = [...plotlyBundle().matchAll(/getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)/g)].map((match) => match[1]);
  assert.equal(ids.length, 1);
  const loader = readFileSync(join(REPO_ROOT, 'src', 'renderer', 'src', 'charts', 'plotly.ts'), 'utf8');
  assert.ok(loader.includes(`const MAPLIBRE_STYLE_ID = '${ids[0]}';`), `charts/plotly.ts should use the id ${ids[0]}`);
});
