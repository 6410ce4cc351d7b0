// The benchmark protocol's four charts (time, speed-up, improvement, stages) and its results table, for one run
// filling in live (Benchmark view) or several runs overlaid (History view). Renderer.
import { Alert, Table, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { benchmarkFigures, runDate, summarizeSamples, type ChartFigure, type ChartRun } from '../../../shared/bench/figures';
import { providerLabel } from '../../../shared/bench/providerLabel';
import { loadPlotly, PLOT_CONFIG, plotData, plotLayout } from './plotly';

/** One Plotly chart; redrawn in place (Plotly.react) whenever its figure changes. */
function Chart({ figure }: { figure: ChartFigure }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    loadPlotly().then(
      (plotly) => {
        if (current && ref.current !== null) void plotly.react(ref.current, plotData(figure), plotLayout(figure), PLOT_CONFIG);
      },
      (reason: unknown) => {
        if (current) setError(`The charts could not be loaded: ${reason instanceof Error ? reason.message : String(reason)}`);
      },
    );
    return () => {
      current = false;
    };
  }, [figure]);
  useEffect(() => {
    const element = ref.current;
    return () => {
      if (element !== null) void loadPlotly().then((plotly) => plotly.purge(element));
    };
  }, []);
  return (
    <div className="chart-cell">
      {error !== null && <Alert color="red">{error}</Alert>}
      <div ref={ref} className="chart" data-testid={`chart-${figure.id}`} />
    </div>
  );
}

export function BenchmarkCharts({ runs }: { runs: readonly ChartRun[] }) {
  const figures = useMemo(() => benchmarkFigures(runs), [runs]);
  return (
    <div className="chart-grid">
      {figures.map((figure) => (
        <Chart key={figure.id} figure={figure} />
      ))}
    </div>
  );
}

const ms = (value: number) => value.toFixed(value >= 100 ? 0 : 1);

/** The published protocol's table: per run, crop size and provider, mean ± SD (n) and speed-up against the CPU. */
export function ResultsTable({ runs }: { runs: readonly ChartRun[] }) {
  const rows = useMemo(() => runs.flatMap((run) => summarizeSamples(run.samples).map((row) => ({ run, row }))), [runs]);
  if (rows.length === 0) return <Text size="sm" c="dimmed">No samples yet.</Text>;
  return (
    <Table striped withTableBorder aria-label="Benchmark results" fz="sm">
      <Table.Thead>
        <Table.Tr>
          {runs.length > 1 && <Table.Th>Run</Table.Th>}
          <Table.Th>Size</Table.Th>
          <Table.Th>Provider</Table.Th>
          <Table.Th ta="right">Mean ± SD (ms)</Table.Th>
          <Table.Th ta="right">n</Table.Th>
          <Table.Th ta="right">Speed-up</Table.Th>
          <Table.Th ta="right">Improvement</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(({ run, row }) => (
          <Table.Tr key={`${run.uuid}/${row.provider}/${row.size}`}>
            {runs.length > 1 && <Table.Td>{`${run.device} · ${runDate(run.startedAt)}`}</Table.Td>}
            <Table.Td>{row.size === 'full' ? `full (${row.width} × ${row.height})` : `${row.width} × ${row.height}`}</Table.Td>
            <Table.Td>{providerLabel(row.provider, run.providers)}</Table.Td>
            <Table.Td ta="right">{row.sdMs === null ? ms(row.meanMs) : `${ms(row.meanMs)} ± ${ms(row.sdMs)}`}</Table.Td>
            <Table.Td ta="right">{row.n}</Table.Td>
            <Table.Td ta="right">{row.speedup === null ? '' : `${row.speedup.toFixed(2)}×`}</Table.Td>
            <Table.Td ta="right">{row.improvementPct === null ? '' : `${row.improvementPct.toFixed(1)} %`}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
