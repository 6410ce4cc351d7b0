// The History view: recorded benchmark runs grouped by computer (this one first), picked with checkboxes to overlay
// on the Benchmark view's charts; export the picked runs (JSON or CSV, downloaded from the returned bytes), import
// a JSON export, delete with a confirmation; and the segmentations recorded, from the app and the CLI alike.
// Renderer.
import { Badge, Button, Checkbox, FileButton, Group, Modal, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import type { BenchmarkRunListing, BenchmarkStatus, SegmentationRunRecord } from '../../../shared/contract';
import { runDate } from '../../../shared/bench/figures';
import { chartRunOf, groupRunsByDevice } from '../../../shared/bench/history';
import { BenchmarkCharts, ResultsTable } from '../charts/BenchmarkCharts';
import type { HistoryModel } from '../model/history';
import { useStore } from '../useStore';
import { fileNameOf, plural } from '../wording';
import { ErrorAlert } from './ErrorAlert';

const STATUS_COLOURS: Record<BenchmarkStatus, string> = { completed: 'green', running: 'blue', cancelled: 'yellow', interrupted: 'red' };

/**
 * Saves bytes as a file through the browser's download (a Blob URL and a link with `download`): the same in
 * Electron, which asks where to save it, and in the browser mode.
 */
function download(file: { fileName: string; bytes: Uint8Array }): void {
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>]));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.click();
  // After the click has handed the URL to the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function RunRow({ run, picked, onToggle }: { run: BenchmarkRunListing; picked: boolean; onToggle: () => void }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Checkbox checked={picked} onChange={onToggle} aria-label={`Pick the run of ${runDate(run.startedAt)}`} />
      </Table.Td>
      <Table.Td>{runDate(run.startedAt)}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          <Badge size="sm" variant="light" color={STATUS_COLOURS[run.status]}>
            {run.status}
          </Badge>
          {run.imported && (
            <Badge size="sm" variant="outline" color="gray">
              imported
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td title={run.modelName}>{fileNameOf(run.modelName)}</Table.Td>
      <Table.Td>{`${run.imageName} (${run.imageWidth} × ${run.imageHeight})`}</Table.Td>
      <Table.Td>{run.providers.join(', ')}</Table.Td>
      <Table.Td ta="right">{run.samples}</Table.Td>
    </Table.Tr>
  );
}

function RunList({ history }: { history: HistoryModel }) {
  const listing = useStore(history.store, (s) => s.listing);
  const picked = useStore(history.store, (s) => s.picked);
  const groups = useMemo(() => (listing === null ? [] : groupRunsByDevice(listing)), [listing]);
  if (listing === null) return <Text c="dimmed">Reading the history…</Text>;
  if (groups.length === 0) return <Text c="dimmed">No benchmark runs yet: run one in the Benchmark view, or import a history file.</Text>;
  return (
    <Stack gap="md">
      {groups.map((group) => (
        <div key={group.deviceId}>
          <Group gap="xs" mb={4}>
            <Title order={6}>{group.device}</Title>
            {group.thisDevice && <Badge size="sm">this computer</Badge>}
          </Group>
          <Table striped withTableBorder fz="sm" aria-label={`Runs on ${group.device}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36} />
                <Table.Th>Started (UTC)</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Model</Table.Th>
                <Table.Th>Image</Table.Th>
                <Table.Th>Providers</Table.Th>
                <Table.Th ta="right">Samples</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {group.runs.map((run) => (
                <RunRow key={run.uuid} run={run} picked={picked.includes(run.uuid)} onToggle={() => void history.toggle(run.uuid)} />
              ))}
            </Table.Tbody>
          </Table>
        </div>
      ))}
    </Stack>
  );
}

function SegmentationRow({ run }: { run: SegmentationRunRecord }) {
  const seconds = run.timings['total'] === undefined ? '' : (run.timings['total'] / 1000).toFixed(1);
  return (
    <Table.Tr>
      <Table.Td>{runDate(run.recordedAt)}</Table.Td>
      <Table.Td title={run.model.name}>{fileNameOf(run.model.name)}</Table.Td>
      <Table.Td>{`${run.image.name} (${run.image.width} × ${run.image.height})`}</Table.Td>
      <Table.Td>{run.provider}</Table.Td>
      <Table.Td ta="right">{run.maskCount}</Table.Td>
      <Table.Td ta="right">{run.diameter.toFixed(1)}</Table.Td>
      <Table.Td ta="right">{seconds}</Table.Td>
    </Table.Tr>
  );
}

/** The segmentations recorded (see [Note: every segmentation recorded]), newest first. */
function SegmentationList({ history }: { history: HistoryModel }) {
  const runs = useStore(history.store, (s) => s.listing?.segmentationRuns ?? null);
  if (runs === null) return null;
  return (
    <div>
      <Title order={6} mb={4}>
        Segmentations
      </Title>
      {runs.length === 0 ? (
        <Text c="dimmed">No segmentations recorded yet: each run in the Segment view (with "Record in history" on) or of `celldesk segment` is listed here.</Text>
      ) : (
        <Table striped withTableBorder fz="sm" aria-label="Segmentation runs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Recorded (UTC)</Table.Th>
              <Table.Th>Model</Table.Th>
              <Table.Th>Image</Table.Th>
              <Table.Th>Provider</Table.Th>
              <Table.Th ta="right">Masks</Table.Th>
              <Table.Th ta="right">Diameter (px)</Table.Th>
              <Table.Th ta="right">Time (s)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.map((run) => (
              <SegmentationRow key={run.uuid} run={run} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
}

function Toolbar({ history }: { history: HistoryModel }) {
  const picked = useStore(history.store, (s) => s.picked.length);
  const busy = useStore(history.store, (s) => s.busy);
  const [confirming, setConfirming] = useState(false);
  const runs = plural(picked, 'run');
  const exportAs = async (format: 'json' | 'csv') => {
    const file = await history.exportPicked(format);
    if (file !== null) download(file);
  };
  const importFile = async (file: File | null) => {
    if (file !== null) await history.importFile(file.name, new Uint8Array(await file.arrayBuffer()));
  };
  return (
    <Group gap="xs">
      <Button size="xs" variant="default" disabled={picked === 0 || busy !== null} onClick={() => void exportAs('json')}>
        Export JSON
      </Button>
      <Button size="xs" variant="default" disabled={picked === 0 || busy !== null} onClick={() => void exportAs('csv')}>
        Export CSV
      </Button>
      <FileButton accept="application/json,.json" onChange={(file) => void importFile(file)}>
        {(props) => (
          <Button size="xs" variant="default" disabled={busy !== null} {...props}>
            Import…
          </Button>
        )}
      </FileButton>
      <Button size="xs" color="red" variant="light" disabled={picked === 0 || busy !== null} onClick={() => setConfirming(true)}>
        Delete…
      </Button>
      {/* lockScroll off: the scroll lock injects a <style> element, which the page's CSP refuses. */}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Delete ${runs}?`} lockScroll={false}>
        <Text size="sm">The picked runs and their samples leave the history for good. Export them first to keep a copy.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirming(false)}>
            Keep them
          </Button>
          <Button
            color="red"
            onClick={() => {
              setConfirming(false);
              void history.deletePicked();
            }}
          >
            Delete {runs}
          </Button>
        </Group>
      </Modal>
    </Group>
  );
}

function Overlay({ history }: { history: HistoryModel }) {
  const reports = useStore(history.store, (s) => s.reports);
  const runs = useMemo(() => reports.map(chartRunOf), [reports]);
  if (runs.length === 0) return <Text c="dimmed">Pick runs to compare them on the charts.</Text>;
  return (
    <>
      <BenchmarkCharts runs={runs} />
      <ResultsTable runs={runs} />
    </>
  );
}

export function HistoryView({ history }: { history: HistoryModel }) {
  const error = useStore(history.store, (s) => s.error);
  const notice = useStore(history.store, (s) => s.notice);
  useEffect(() => {
    void history.refresh();
  }, [history]);
  return (
    <ScrollArea className="page-main" type="auto">
      <Stack p="md" gap="md">
        <Group justify="space-between">
          <Title order={5}>History</Title>
          <Toolbar history={history} />
        </Group>
        <ErrorAlert error={error} onClose={() => history.dismissError()} />
        {notice !== null && (
          <Text size="sm" role="status">
            {notice}
          </Text>
        )}
        <RunList history={history} />
        <Overlay history={history} />
        <SegmentationList history={history} />
      </Stack>
    </ScrollArea>
  );
}
