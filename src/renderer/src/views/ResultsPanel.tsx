// The Segment view's right panel: mask count, diameter and how the masks were made, editing buttons, the table of
// masks (linked to the viewer both ways) and the export dialog. Renderer.
import { Badge, Button, Group, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { MaskMeasurement } from '../../../shared/contract';
import type { SegmentModel } from '../model/segment/segmentModel';
import type { PixelSize } from '../model/segment/state';
import { physicalMeasurement } from '../model/segment/units';
import { useStore } from '../useStore';
import { ExportDialog, ReplaceConfirmation } from './ExportDialog';
import { useMicrometres } from './PixelSizeField';
import { SaveSessionButton, SessionSource } from './SessionControls';
import { StackSummary } from './StackControls';

function Summary({ segment }: { segment: SegmentModel }) {
  const segmentation = useStore(segment.store, (s) => s.segmentation);
  const maskCount = useStore(segment.store, (s) => s.maskCount);
  const diameterInMicrometres = useMicrometres(segment, segmentation?.diameter ?? null);
  if (segmentation === null) return <Text c="dimmed">No masks yet: open an image and press Run.</Text>;
  const estimated = segmentation.diameterFromStyle !== null;
  return (
    <Stack gap={4}>
      <Text size="xl" fw={700} data-testid="mask-count">
        {maskCount} {maskCount === 1 ? 'mask' : 'masks'}
      </Text>
      <StackSummary segment={segment} />
      <Text size="sm" data-testid="diameter">
        Diameter {segmentation.diameter.toFixed(2)} px{diameterInMicrometres === undefined ? '' : ` (${diameterInMicrometres})`}
        {estimated ? ' (estimated)' : ''}
      </Text>
      <SessionSource segment={segment} />
      <Group gap={6}>
        <Badge variant="light">{segmentation.executionProvider}</Badge>
        <Badge variant="light" color={segmentation.networkRan ? 'blue' : 'teal'} data-testid="network-runs">
          network runs: {segmentation.networkRuns}
        </Badge>
      </Group>
      {!segmentation.networkRan && segmentation.networkRuns > 0 && (
        <Text size="xs" c="dimmed" data-testid="rethreshold-note">
          Masks recomputed from the kept network output (no network run).
        </Text>
      )}
      {segmentation.fallbackReasons.length > 0 && (
        <Text size="xs" c="dimmed">
          Not used: {segmentation.fallbackReasons.join('; ')}
        </Text>
      )}
    </Stack>
  );
}

/** Whether the edits are exported yet, and whether a draft keeps them meanwhile (see [Note: unsaved edits]). */
function UnsavedStatus({ segment }: { segment: SegmentModel }) {
  const unsaved = useStore(segment.store, (s) => s.unsaved);
  const draftSavedAt = useStore(segment.store, (s) => s.draftSavedAt);
  const restoredDraftAt = useStore(segment.store, (s) => s.restoredDraftAt);
  if (!unsaved) return null;
  const time = (iso: string) => new Date(iso).toLocaleTimeString();
  return (
    <Group gap={6}>
      <Badge color="orange" variant="filled" data-testid="unsaved">
        Unsaved changes
      </Badge>
      <Text size="xs" c="dimmed" data-testid="draft-status">
        {draftSavedAt === null ? 'keeping a draft…' : `draft kept ${time(draftSavedAt)}`}
      </Text>
      {restoredDraftAt !== null && (
        <Button size="compact-xs" variant="subtle" color="red" onClick={() => void segment.drafts.discard()}>
          Discard draft
        </Button>
      )}
    </Group>
  );
}

function EditButtons({ segment, onExport }: { segment: SegmentModel; onExport: () => void }) {
  const selectedCount = useStore(segment.store, (s) => s.selected.size);
  const canUndo = useStore(segment.store, (s) => s.canUndo);
  const canRedo = useStore(segment.store, (s) => s.canRedo);
  const hasMasks = useStore(segment.store, (s) => s.segmentation !== null);
  return (
    <Group gap="xs">
      <Button size="xs" color="red" variant="light" disabled={selectedCount === 0} onClick={() => segment.edits.deleteSelected()}>
        Delete {selectedCount > 1 ? `${selectedCount} masks` : 'mask'}
      </Button>
      <Button size="xs" variant="light" disabled={selectedCount < 2} onClick={() => segment.edits.mergeSelected()}>
        Merge{selectedCount > 1 ? ` ${selectedCount} masks` : ''}
      </Button>
      <Button size="xs" variant="default" disabled={!canUndo} onClick={() => segment.masks.undo()}>
        Undo
      </Button>
      <Button size="xs" variant="default" disabled={!canRedo} onClick={() => segment.masks.redo()}>
        Redo
      </Button>
      <Button size="xs" disabled={!hasMasks} onClick={onExport}>
        Export…
      </Button>
      <SaveSessionButton segment={segment} />
    </Group>
  );
}

/**
 * [Note: virtual mask table] The table lists every mask but renders only the rows in view and OVERSCAN rows on
 * each side, between two spacer rows that keep the scroll height: a re-threshold replaces every row, and rendering
 * 1,000 of them took React most of the time a change spends in the view. Rows are one line each, so a row's height,
 * measured once, places any row.
 */
const OVERSCAN = 40;
/** A row's height before one has been measured (CSS px). */
const ROW_HEIGHT_GUESS = 29;

interface RowProps {
  row: MaskMeasurement;
  selected: boolean;
  pixelSize: PixelSize | null;
  onSelect: (label: number, extend: boolean) => void;
}

const MaskRow = memo(function MaskRow({ row, selected, pixelSize, onSelect }: RowProps) {
  return (
    <Table.Tr data-label={row.label} className={selected ? 'mask-row-selected' : undefined} onClick={(event) => onSelect(row.label, event.shiftKey)}>
      <Table.Td>{row.label}</Table.Td>
      <Table.Td>{row.area}</Table.Td>
      <Table.Td>
        {row.centroidX.toFixed(1)}, {row.centroidY.toFixed(1)}
      </Table.Td>
      {pixelSize !== null && <PhysicalCells row={physicalMeasurement(row, pixelSize)} />}
      {row.meanIntensity.map((value, c) => (
        <Table.Td key={c}>{value.toFixed(1)}</Table.Td>
      ))}
    </Table.Tr>
  );
});

/** A row standing for `rows` rows not rendered (see [Note: virtual mask table]). */
function Spacer({ rows, rowHeight, columns }: { rows: number; rowHeight: number; columns: number }) {
  return (
    <tr aria-hidden="true" className="mask-table-spacer">
      <td colSpan={columns} style={{ height: rows * rowHeight }} />
    </tr>
  );
}

function MaskTable({ segment }: { segment: SegmentModel }) {
  const segmentation = useStore(segment.store, (s) => s.segmentation);
  const present = useStore(segment.store, (s) => s.present);
  const selected = useStore(segment.store, (s) => s.selected);
  const channels = useStore(segment.store, (s) => s.pixels?.channels ?? 0);
  const pixelSize = useStore(segment.store, (s) => s.pixelSize);
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(0);
  const [rowHeight, setRowHeight] = useState(ROW_HEIGHT_GUESS);
  const rows = useMemo(() => segmentation?.masks.filter((row) => present[row.label] === 1) ?? [], [segmentation, present]);
  const onSelect = useCallback((label: number, extend: boolean) => segment.edits.selectFromTable(label, extend), [segment]);

  useLayoutEffect(() => {
    const box = viewport.current;
    if (box === null) return;
    const resize = new ResizeObserver(() => setViewHeight(box.clientHeight));
    resize.observe(box);
    return () => resize.disconnect();
  }, [segmentation === null]);

  // The first row drawn gives every row's height.
  useLayoutEffect(() => {
    const height = viewport.current?.querySelector('tbody tr[data-label]')?.getBoundingClientRect().height;
    if (height !== undefined && height > 0 && Math.abs(height - rowHeight) > 0.5) setRowHeight(height);
  });

  // A mask selected in the viewer scrolls into view in the table.
  useEffect(() => {
    const last = [...selected].pop();
    const box = viewport.current;
    const index = last === undefined ? -1 : rows.findIndex((row) => row.label === last);
    if (box === null || index < 0) return;
    const header = box.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    const top = header + index * rowHeight;
    if (top - header < box.scrollTop) box.scrollTop = top - header;
    else if (top + rowHeight > box.scrollTop + box.clientHeight) box.scrollTop = top + rowHeight - box.clientHeight;
    // Only a new selection scrolls, not new rows.
  }, [selected]);

  if (segmentation === null) return null;
  const firstInView = Math.floor(scrollTop / rowHeight);
  // An odd first row keeps the stripes where they were (the spacer before it counts as a row).
  const before = firstInView <= OVERSCAN ? 0 : (firstInView - OVERSCAN) | 1;
  const end = Math.min(rows.length, firstInView + Math.ceil(viewHeight / rowHeight) + OVERSCAN);
  const columns = 3 + (pixelSize === null ? 0 : 2) + channels;
  return (
    <ScrollArea className="mask-table" type="auto" viewportRef={viewport} onScrollPositionChange={({ y }) => setScrollTop(y)}>
      <Table striped highlightOnHover stickyHeader withTableBorder fz="xs" aria-label="Masks">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Mask</Table.Th>
            <Table.Th>Area (px)</Table.Th>
            <Table.Th>Centroid x, y</Table.Th>
            {pixelSize !== null && <Table.Th>Area (µm²)</Table.Th>}
            {pixelSize !== null && <Table.Th>Centroid (µm)</Table.Th>}
            {Array.from({ length: channels }, (_, c) => (
              <Table.Th key={c}>Mean ch{c + 1}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {before > 0 && <Spacer rows={before} rowHeight={rowHeight} columns={columns} />}
          {rows.slice(before, end).map((row) => (
            <MaskRow key={row.label} row={row} selected={selected.has(row.label)} pixelSize={pixelSize} onSelect={onSelect} />
          ))}
          {end < rows.length && <Spacer rows={rows.length - end} rowHeight={rowHeight} columns={columns} />}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

/** A row's area and centroid in µm. */
function PhysicalCells({ row }: { row: { area: number; centroidX: number; centroidY: number } }) {
  return (
    <>
      <Table.Td>{row.area.toPrecision(4)}</Table.Td>
      <Table.Td>
        {row.centroidX.toFixed(2)}, {row.centroidY.toFixed(2)}
      </Table.Td>
    </>
  );
}

export function ResultsPanel({ segment }: { segment: SegmentModel }) {
  const [exporting, setExporting] = useState(false);
  // File > Export… in the desktop app's menu.
  const viewRequest = useStore(segment.store, (s) => s.viewRequest);
  useEffect(() => {
    if (viewRequest?.kind === 'export') setExporting(true);
  }, [viewRequest]);
  return (
    <Stack gap="sm" p="sm" className="results-panel">
      <Title order={5}>Results</Title>
      <Summary segment={segment} />
      <UnsavedStatus segment={segment} />
      <EditButtons segment={segment} onExport={() => setExporting(true)} />
      {/* Save session asks here before replacing a session file; the dialog asks for its own exports. */}
      {!exporting && <ReplaceConfirmation segment={segment} />}
      <Text size="xs" c="dimmed">
        Click a mask to select it (shift-click for several), Delete to remove, M to merge. D draws a mask (or right-drag),
        E erases ([ ] brush size), Esc selects again; middle-drag or space-drag pans. Ctrl+Z / Ctrl+Shift+Z undo / redo.
      </Text>
      <MaskTable segment={segment} />
      <ExportDialog segment={segment} opened={exporting} onClose={() => setExporting(false)} />
    </Stack>
  );
}
