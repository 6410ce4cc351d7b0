// Loads plotly.js on first use, so the Segment view never pays for its 4.8 MB, after linking its style sheet; and
// turns CellDesk's chart figures (src/shared/bench/figures.ts) into Plotly traces and layouts. Renderer.
//
// [Note: Plotly under the CSP] At load, plotly.js adds its global rules (modebar, hover labels, cursors) to a
// <style> element it creates, which the page's Content-Security-Policy (style-src 'self') refuses, with a console
// error, leaving charts unstyled. plotly.js skips that when the document already holds an element with id
// `plotly.js-style-global` and class `no-inline-styles` (plotly.js #7109, its way for strict CSPs), but its
// distributions no longer ship the matching plotly.css (plotly.js #7543). So CellDesk ships the rules as its own
// style sheet (charts/plotly.css, kept in step with the installed plotly.js by tests/renderer/plotlyCss.test.ts) and
// links it under that id before importing plotly.js: a <link> to our own origin is what the policy allows. The rest
// of plotly.js styles elements through the DOM (allowed), except maplibre's style sheet (for map traces, which
// CellDesk does not draw): plotly.js injects it at load unless an element with its id exists, so an empty <meta>
// under that id stands in for it (the same test checks the id against plotly.js). Charts use no modebar: its "download as PNG" would load a
// data: URL image, which img-src 'self' refuses.
import type { Config, Data, Layout } from 'plotly.js-dist-min';
import type { ChartFigure } from '../../../shared/bench/figures';

type Plotly = (typeof import('plotly.js-dist-min'))['default'];

/** The id under which plotly.js looks for maplibre's style sheet before injecting it. */
const MAPLIBRE_STYLE_ID = 'ce8d464691048653ffe3a57c6c18ab566e8366f186677868cf724621a857b4fe';

let loading: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  if (loading !== null) return loading;
  const started = (async () => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.id = 'plotly.js-style-global';
    link.className = 'no-inline-styles';
    link.href = new URL('./plotly.css', import.meta.url).href;
    const maplibre = document.createElement('meta');
    maplibre.id = MAPLIBRE_STYLE_ID;
    document.head.append(link, maplibre);
    const plotly = await import('plotly.js-dist-min');
    return plotly.default;
  })();
  // A failed load (a chunk missing from a broken install) may be retried by the next chart.
  started.catch(() => {
    loading = null;
  });
  loading = started;
  return started;
}

export const PLOT_CONFIG: Partial<Config> = { displayModeBar: false, responsive: true, displaylogo: false };

export function plotData(figure: ChartFigure): Data[] {
  return figure.traces.map((trace): Data => {
    if (trace.kind === 'bar') {
      return { type: 'bar', name: trace.name, x: trace.group === undefined ? trace.x : [trace.x, trace.group], y: trace.y, marker: { color: trace.colour } };
    }
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: trace.name,
      x: trace.x,
      y: trace.y,
      line: { color: trace.colour },
      marker: { color: trace.colour, size: 7 },
      ...(trace.errorY === undefined ? {} : { error_y: { type: 'data', array: trace.errorY, visible: true, color: trace.colour } }),
    };
  });
}

export function plotLayout(figure: ChartFigure): Partial<Layout> {
  const grouped = figure.traces.some((trace) => trace.group !== undefined);
  return {
    title: { text: figure.title, font: { size: 14 } },
    margin: { l: 56, r: 12, t: 36, b: grouped ? 84 : 44 },
    showlegend: true,
    legend: { orientation: 'h', y: -0.25, font: { size: 10 } },
    barmode: figure.stacked ? 'stack' : 'group',
    xaxis: grouped
      ? { type: 'multicategory', title: { text: '' } }
      : { type: 'category', categoryorder: 'array', categoryarray: figure.categories, title: { text: 'crop size (px)' } },
    yaxis: { type: figure.logY ? 'log' : 'linear', title: { text: figure.yTitle }, rangemode: figure.logY ? 'normal' : 'tozero' },
    annotations:
      figure.traces.length === 0
        ? [{ text: figure.emptyText, showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, font: { color: '#868e96' } }]
        : [],
  };
}
