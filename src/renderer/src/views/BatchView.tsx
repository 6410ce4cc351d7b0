// The Batch view: on the left the images (a folder or files), the output folder and formats, the Segment view's
// settings they are segmented with, Run (or Resume) and Cancel; on the right the overall progress, the image being
// segmented, a summary and the results table, whose rows open an image with its masks in the Segment view; the
// question before files not the batch's own are replaced. Renderer.
import { Alert, Badge, Button, Checkbox, Group, Progress, ScrollArea, Stack, Switch, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect } from 'react';
import type { BatchFormat, BatchImageResult, BatchImageStatus } from '../../../shared/contract';
import { batchCounts, masksFileOf, missingForBatch, type BatchModel } from '../model/batch';
import { useStore } from '../useStore';
import { fileNameOf, plural } from '../wording';
import { ErrorAlert } from './ErrorAlert';
import { ReplaceFilesQuestion } from './ReplaceFilesQuestion';
import { stageText } from './RunBar';

const FORMATS: { format: BatchFormat; label: string }[] = [
  { format: 'labels-tiff', label: 'Label image, TIFF (_cp_masks.tif)' },
  { format: 'labels-png', label: 'Label image, PNG (_cp_masks.png)' },
  { format: 'seg-npy', label: 'Cellpose session (_seg.npy)' },
  { format: 'outlines-png', label: 'Outlines over the image (_outlines.png)' },
  { format: 'imagej-rois', label: 'ImageJ ROI set (_rois.zip)' },
  { format: 'measurements-csv', label: 'Measurements (_cp_measurements.csv)' },
];

const STATUS: Record<BatchImageStatus, { label: string; colour: string }> = {
  pending: { label: 'waiting', colour: 'gray' },
  running: { label: 'segmenting', colour: 'blue' },
  done: { label: 'done', colour: 'green' },
  skipped: { label: 'done earlier', colour: 'teal' },
  failed: { label: 'failed', colour: 'red' },
  cancelled: { label: 'cancelled', colour: 'yellow' },
};

function Images({ batch }: { batch: BatchModel }) {
  const sources = useStore(batch.store, (s) => s.sources);
  const running = useStore(batch.store, (s) => s.running);
  const desktop = batch.segment.environment === 'desktop';
  return (
    <Stack gap="xs">
      {desktop && (
        <Group grow gap="xs">
          <Button variant="light" onClick={() => void batch.chooseImages('folder')} disabled={running}>
            Choose a folder…
          </Button>
          <Button variant="light" onClick={() => void batch.chooseImages('files')} disabled={running}>
            Choose images…
          </Button>
        </Group>
      )}
      <Textarea
        label="Images or folders"
        description={`One full path a line; a folder stands for the TIFF, PNG and JPEG images in it${desktop ? '' : ", on the computer running 'celldesk serve'"}`}
        placeholder="/data/experiment/"
        autosize
        minRows={2}
        maxRows={8}
        value={sources}
        disabled={running}
        onChange={(event) => batch.set({ sources: event.currentTarget.value })}
      />
    </Stack>
  );
}

function Outputs({ batch }: { batch: BatchModel }) {
  const outputFolder = useStore(batch.store, (s) => s.outputFolder);
  const formats = useStore(batch.store, (s) => s.formats);
  const redo = useStore(batch.store, (s) => s.redo);
  const running = useStore(batch.store, (s) => s.running);
  return (
    <Stack gap="xs">
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          label="Output folder"
          description="A full path, or a folder made beside the images"
          value={outputFolder}
          disabled={running}
          onChange={(event) => batch.set({ outputFolder: event.currentTarget.value })}
        />
        {batch.segment.environment === 'desktop' && (
          <Button variant="default" onClick={() => void batch.chooseOutputFolder()} disabled={running}>
            Choose…
          </Button>
        )}
      </Group>
      <Checkbox.Group label="Files for each image" value={formats}>
        <Stack gap={4} mt={4}>
          {FORMATS.map(({ format, label }) => (
            <Checkbox key={format} value={format} label={label} disabled={running} onChange={() => batch.toggleFormat(format)} />
          ))}
        </Stack>
      </Checkbox.Group>
      <Checkbox
        label="Redo images already done"
        description="Otherwise images this folder holds results of, made with the same image and settings, are kept"
        checked={redo}
        disabled={running}
        onChange={(event) => batch.set({ redo: event.currentTarget.checked })}
      />
    </Stack>
  );
}

/** The Segment view's settings, which the batch uses as they are set there; "Record in history" is the same switch. */
function Settings({ batch }: { batch: BatchModel }) {
  const parameters = useStore(batch.segment.store, (s) => s.parameters);
  const running = useStore(batch.store, (s) => s.running);
  const { model, provider, channels, estimateDiameter, diameter, flowThreshold, cellprobThreshold, minSize } = parameters;
  return (
    <Stack gap={4} aria-label="Segmentation settings">
      <Text size="sm">{model.trim() === '' ? 'No model chosen yet' : `Model ${fileNameOf(model)} on ${provider}`}</Text>
      <Text size="sm">{`Channels ${channels[0]},${channels[1]} · diameter ${estimateDiameter ? 'estimated per image' : `${diameter} px`}`}</Text>
      <Text size="sm">{`Flow threshold ${flowThreshold} · cell probability ${cellprobThreshold} · min size ${minSize} px`}</Text>
      <Text size="xs" c="dimmed">
        The Segment view's settings: change them there.
      </Text>
      <Switch
        label="Record in history"
        checked={parameters.record}
        disabled={running}
        onChange={(event) => batch.segment.parameters.set({ record: event.currentTarget.checked })}
      />
    </Stack>
  );
}

function RunButtons({ batch }: { batch: BatchModel }) {
  const running = useStore(batch.store, (s) => s.running);
  const cancelling = useStore(batch.store, (s) => s.cancelling);
  const resumable = useStore(batch.store, (s) => s.status !== null && s.status !== 'completed' && batchCounts(s.images).left > 0);
  const state = useStore(batch.store, (s) => s);
  const model = useStore(batch.segment.store, (s) => s.parameters.model);
  const missing = missingForBatch(state, model);
  return (
    <Stack gap={4}>
      <Group grow gap="xs">
        <Button onClick={() => void batch.start()} disabled={running || missing !== null} loading={running}>
          {resumable ? 'Resume' : 'Run'}
        </Button>
        <Button variant="default" onClick={() => void batch.cancel()} disabled={!running || cancelling}>
          Cancel
        </Button>
      </Group>
      {missing !== null && !running && (
        <Text size="xs" c="dimmed">
          {missing}
        </Text>
      )}
    </Stack>
  );
}

function RunProgress({ batch }: { batch: BatchModel }) {
  const images = useStore(batch.store, (s) => s.images);
  const current = useStore(batch.store, (s) => s.current);
  const running = useStore(batch.store, (s) => s.running);
  const status = useStore(batch.store, (s) => s.status);
  const writtenTo = useStore(batch.store, (s) => s.writtenTo);
  const counts = batchCounts(images);
  if (!running && status === null) return <Text c="dimmed">Choose the images and the output folder, then press Run; the results fill in as images are done.</Text>;
  const finished = counts.done + counts.skipped + counts.failed;
  const image = current === null ? undefined : images[current.index];
  const stage = current?.progress ?? null;
  const summary = [`${counts.done} done`, ...(counts.skipped > 0 ? [`${counts.skipped} done earlier`] : []), `${counts.failed} failed`, `${counts.left} left`].join(', ');
  return (
    <Stack gap={6}>
      <Group justify="space-between">
        <Text size="sm" data-testid="batch-summary">
          {`${finished} of ${plural(counts.total, 'image')}: ${summary}`}
          {!running && status !== null && ` · ${status}`}
        </Text>
        {running && <Badge variant="light">running</Badge>}
      </Group>
      <Progress value={counts.total === 0 ? 0 : (100 * finished) / counts.total} animated={running} aria-label="Batch progress" />
      {running && image !== undefined && (
        <Stack gap={2} aria-label="Image progress">
          <Text size="xs">{`${image.name}: ${stage === null ? 'reading…' : stageText(stage)}`}</Text>
          <Progress size="sm" value={stage === null || stage.total === 0 ? 0 : (100 * stage.done) / stage.total} />
        </Stack>
      )}
      {writtenTo !== null && (
        <Text size="xs" c="dimmed">
          Files go to {writtenTo}
        </Text>
      )}
    </Stack>
  );
}

function ResultRow({ result, onOpen }: { result: BatchImageResult; onOpen: () => void }) {
  const { label, colour } = STATUS[result.status];
  const canOpen = (result.status === 'done' || result.status === 'skipped') && masksFileOf(result) !== null;
  return (
    <Table.Tr>
      <Table.Td title={result.imagePath}>{result.name}</Table.Td>
      <Table.Td>
        <Badge size="sm" variant="light" color={colour}>
          {label}
        </Badge>
      </Table.Td>
      <Table.Td ta="right">{result.masks ?? ''}</Table.Td>
      <Table.Td ta="right">{result.diameter === null ? '' : result.diameter.toFixed(1)}</Table.Td>
      <Table.Td ta="right">{result.ms === null ? '' : (result.ms / 1000).toFixed(1)}</Table.Td>
      <Table.Td>
        {result.error !== null ? (
          <Text size="xs" c="red">
            {result.error.message}
          </Text>
        ) : (
          <Text size="xs" c="dimmed" title={result.outputs.map((o) => o.path).join('\n')}>
            {result.outputs.map((o) => fileNameOf(o.path)).join(', ')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {canOpen && (
          <Button size="compact-xs" variant="light" onClick={onOpen} aria-label={`Open ${result.name} in the Segment view`}>
            Open
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function Results({ batch, onOpened }: { batch: BatchModel; onOpened: () => void }) {
  const images = useStore(batch.store, (s) => s.images);
  if (images.length === 0) return null;
  return (
    <Table striped withTableBorder fz="sm" aria-label="Batch results">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Image</Table.Th>
          {/* Wide enough for the longest badge ("done earlier"): a narrow column would cut it short. */}
          <Table.Th miw={120}>Status</Table.Th>
          <Table.Th ta="right">Masks</Table.Th>
          <Table.Th ta="right">Diameter (px)</Table.Th>
          <Table.Th ta="right">Time (s)</Table.Th>
          <Table.Th>Files or error</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {images.map((result, index) => (
          <ResultRow
            key={result.imagePath}
            result={result}
            onOpen={() => {
              onOpened();
              void batch.open(index);
            }}
          />
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** `onOpenInSegment`: brings the Segment view forward, where a result row opens its image. */
export function BatchView({ batch, onOpenInSegment }: { batch: BatchModel; onOpenInSegment: () => void }) {
  const error = useStore(batch.store, (s) => s.error);
  const notes = useStore(batch.store, (s) => s.notes);
  const replacing = useStore(batch.store, (s) => s.replacing);
  useEffect(() => {
    void batch.segment.parameters.loadModels();
  }, [batch]);
  return (
    <div className="paged-view">
      <ScrollArea className="side-panel" type="auto">
        <Stack gap="sm" p="md">
          <Title order={5}>Batch</Title>
          <Images batch={batch} />
          <Outputs batch={batch} />
          <Title order={6}>Segmentation</Title>
          <Settings batch={batch} />
          <RunButtons batch={batch} />
        </Stack>
      </ScrollArea>
      <ScrollArea className="page-main" type="auto">
        <Stack p="md" gap="md">
          <ErrorAlert error={error} onClose={() => batch.dismissError()} />
          {replacing !== null && <ReplaceFilesQuestion paths={replacing.paths} onReplace={() => void batch.replaceExisting()} onKeep={() => batch.keepExisting()} />}
          {notes.map((note) => (
            <Alert key={note} color="yellow">
              {note}
            </Alert>
          ))}
          <RunProgress batch={batch} />
          <Results batch={batch} onOpened={onOpenInSegment} />
        </Stack>
      </ScrollArea>
    </div>
  );
}
