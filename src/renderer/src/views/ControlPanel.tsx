// The Segment view's left panel: open an image (or a recent one, or in the browser one uploaded), choose or import
// the model, provider, channels, diameter (typed, estimated or calibrated), thresholds and advanced settings, and how
// the image (each channel's range, by hand or auto-contrast), the network output and the masks are shown; Run sits
// below it (RunBar.tsx).
// Renderer.
import {
  Button,
  Checkbox,
  Collapse,
  Divider,
  FileButton,
  Group,
  Menu,
  NumberInput,
  Radio,
  RangeSlider,
  Select,
  Slider,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { EXECUTION_PROVIDERS, type ExecutionProviderChoice } from '../../../shared/contract';
import { IMAGE_EXTENSIONS } from '../../../shared/imageFileTypes';
import type { NetworkLayer } from '../../../shared/viewer/networkLayer';
import { CELLPROB_THRESHOLD_RANGE } from '../../../shared/segmentControls';
import type { SegmentModel } from '../model/segment/segmentModel';
import type { SegmentParameters } from '../model/segment/state';
import { useStore } from '../useStore';
import { ModelField } from './ModelField';
import { PixelSizeField, useMicrometres } from './PixelSizeField';
import { StackRunSettings } from './StackControls';

const SEGMENT_CHANNELS = [
  { value: '0', label: '0: grayscale (all channels)' },
  { value: '1', label: '1: red' },
  { value: '2', label: '2: green' },
  { value: '3', label: '3: blue' },
];
const NUCLEAR_CHANNELS = [{ value: '0', label: '0: none' }, ...SEGMENT_CHANNELS.slice(1)];
const PROVIDERS = ['auto', ...EXECUTION_PROVIDERS].map((p) => ({ value: p, label: p === 'auto' ? 'auto (fastest available)' : p }));
const CHANNEL_NAMES = ['red', 'green', 'blue'];
/** What the browser mode's upload offers: the images CellDesk reads and Cellpose session files. */
const UPLOADABLE = [...IMAGE_EXTENSIONS, '.npy'].join(',');

/** A NumberInput's value when it holds a number (it reports '' or partial text while being typed). */
function numeric(value: number | string, apply: (value: number) => void): void {
  if (typeof value === 'number' && Number.isFinite(value)) apply(value);
}

function OpenImage({ segment }: { segment: SegmentModel }) {
  const [path, setPath] = useState('');
  const busy = useStore(segment.store, (s) => s.activity.kind !== 'idle');
  const open = () => {
    if (path.trim() !== '') void segment.images.openPath(path);
  };
  return (
    <Stack gap="xs">
      {segment.environment === 'desktop' && (
        <Button variant="light" onClick={() => void segment.images.chooseAndOpen()} disabled={busy}>
          Open image…
        </Button>
      )}
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          label="Image path"
          description={segment.environment === 'browser' ? "On the computer running 'celldesk serve'" : undefined}
          placeholder="/data/experiment/image.tif (or image_seg.npy)"
          value={path}
          onChange={(event) => setPath(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') open();
          }}
        />
        <Button onClick={open} disabled={busy || path.trim() === ''}>
          Open
        </Button>
      </Group>
      <Group gap="xs">
        <RecentMenu segment={segment} />
        {segment.environment === 'browser' && <UploadImage segment={segment} />}
      </Group>
    </Stack>
  );
}

/**
 * The browser mode's upload from this computer: an image, or a Cellpose session (_seg.npy), which opens over the
 * open image when its masks fit it (upload the image first), else over a blank canvas.
 */
function UploadImage({ segment }: { segment: SegmentModel }) {
  const busy = useStore(segment.store, (s) => s.activity.kind !== 'idle');
  const upload = (file: File | null) => {
    if (file !== null) void file.arrayBuffer().then((buffer) => segment.images.upload(file.name, new Uint8Array(buffer)));
  };
  return (
    <FileButton onChange={upload} accept={UPLOADABLE}>
      {(props) => (
        <Button variant="default" size="xs" disabled={busy} title="Send an image or a _seg.npy from this computer" {...props}>
          Upload…
        </Button>
      )}
    </FileButton>
  );
}

/** The images opened lately (kept by the engine in the data folder), most recent first. */
function RecentMenu({ segment }: { segment: SegmentModel }) {
  const recent = useStore(segment.store, (s) => s.recent);
  const busy = useStore(segment.store, (s) => s.activity.kind !== 'idle');
  return (
    <Menu position="bottom-start" withinPortal={false}>
      <Menu.Target>
        <Button variant="default" size="xs" disabled={busy}>
          Recent
        </Button>
      </Menu.Target>
      <Menu.Dropdown aria-label="Recent images">
        {recent.length === 0 ? (
          <Menu.Item disabled>No recent images</Menu.Item>
        ) : (
          recent.map((file) => (
            <Menu.Item key={file.path} title={file.path} onClick={() => void segment.images.openPath(file.path)}>
              {file.name}
            </Menu.Item>
          ))
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/**
 * Registers a model file: the native dialog in the desktop app; in the browser, a path on the computer running
 * `celldesk serve`, or an upload from this one.
 */
function ImportModel({ segment }: { segment: SegmentModel }) {
  const [path, setPath] = useState('');
  const busy = useStore(segment.store, (s) => s.activity.kind !== 'idle');
  const upload = (file: File | null) => {
    if (file !== null) void file.arrayBuffer().then((buffer) => segment.parameters.importModel({ name: file.name, bytes: new Uint8Array(buffer) }));
  };
  if (segment.environment === 'desktop') {
    return (
      <Button size="xs" variant="light" onClick={() => void segment.parameters.chooseAndImportModel()} disabled={busy}>
        Import model…
      </Button>
    );
  }
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          size="xs"
          label="Import a model file"
          placeholder="/models/CP_lab.pth"
          value={path}
          onChange={(event) => setPath(event.currentTarget.value)}
        />
        <Button size="xs" onClick={() => void segment.parameters.importModel({ path })} disabled={busy || path.trim() === ''}>
          Import
        </Button>
      </Group>
      <FileButton onChange={upload}>
        {(props) => (
          <Button size="xs" variant="default" disabled={busy} {...props}>
            Upload a model file…
          </Button>
        )}
      </FileButton>
    </Stack>
  );
}

function SegmentSettings({ segment }: { segment: SegmentModel }) {
  const parameters = useStore(segment.store, (s) => s.parameters);
  const withoutFlows = useStore(segment.store, (s) => s.segmentation !== null && s.networkOutputHeld !== 'kept');
  const diameterInMicrometres = useMicrometres(segment, parameters.estimateDiameter ? null : parameters.diameter);
  const set = (change: Partial<SegmentParameters>) => segment.parameters.set(change);
  return (
    <Stack gap="xs">
      <ModelField catalog={segment.catalog} value={parameters.model} onChange={(model) => set({ model })} />
      <ImportModel segment={segment} />
      <Select
        label="Execution provider"
        data={PROVIDERS}
        value={parameters.provider}
        allowDeselect={false}
        onChange={(value) => value !== null && set({ provider: value as ExecutionProviderChoice })}
      />
      <Group grow gap="xs">
        <Select
          label="Channel to segment"
          data={SEGMENT_CHANNELS}
          value={String(parameters.channels[0])}
          allowDeselect={false}
          onChange={(value) => value !== null && set({ channels: [Number(value), parameters.channels[1]] })}
        />
        <Select
          label="Nuclear channel"
          data={NUCLEAR_CHANNELS}
          value={String(parameters.channels[1])}
          allowDeselect={false}
          onChange={(value) => value !== null && set({ channels: [parameters.channels[0], Number(value)] })}
        />
      </Group>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <NumberInput
          style={{ flex: 1 }}
          label="Cell diameter (px)"
          description={diameterInMicrometres}
          min={1}
          max={5000}
          decimalScale={2}
          value={parameters.diameter}
          disabled={parameters.estimateDiameter}
          onChange={(value) => numeric(value, (diameter) => set({ diameter }))}
        />
        <CalibrateButton segment={segment} />
      </Group>
      <Checkbox
        label="Estimate the diameter at each run"
        checked={parameters.estimateDiameter}
        onChange={(event) => set({ estimateDiameter: event.currentTarget.checked })}
      />
      <Group grow gap="xs">
        <NumberInput
          label="Flow threshold"
          min={0}
          step={0.05}
          decimalScale={3}
          value={parameters.flowThreshold}
          onChange={(value) => numeric(value, (flowThreshold) => set({ flowThreshold }))}
        />
        <NumberInput
          label="Cell probability threshold"
          min={CELLPROB_THRESHOLD_RANGE.min}
          max={CELLPROB_THRESHOLD_RANGE.max}
          step={CELLPROB_THRESHOLD_RANGE.step}
          decimalScale={3}
          value={parameters.cellprobThreshold}
          onChange={(value) => numeric(value, (cellprobThreshold) => set({ cellprobThreshold }))}
        />
      </Group>
      <NumberInput
        label="Minimum mask size (px)"
        min={-1}
        step={1}
        allowDecimal={false}
        value={parameters.minSize}
        onChange={(value) => numeric(value, (minSize) => set({ minSize }))}
      />
      <Text size="xs" c="dimmed" data-testid="threshold-source">
        {withoutFlows
          ? 'These masks came without their network output (flows): new thresholds apply at the next run.'
          : 'Changing a threshold recomputes the masks from the kept network output, without running the network again.'}
      </Text>
      <Switch
        label="Record in history"
        description="Each run is listed in the History view, with its settings and timings."
        checked={parameters.record}
        onChange={(event) => set({ record: event.currentTarget.checked })}
      />
      <AdvancedSettings segment={segment} />
    </Stack>
  );
}

/** Estimates the diameter with the model's size model now, without segmenting, and fills the field. */
function CalibrateButton({ segment }: { segment: SegmentModel }) {
  const activity = useStore(segment.store, (s) => s.activity.kind);
  const ready = useStore(segment.store, (s) => s.image !== null && s.parameters.model.trim() !== '');
  return (
    <Button variant="default" onClick={() => void segment.runs.calibrate()} disabled={!ready || activity !== 'idle'} loading={activity === 'calibrating'}>
      Calibrate
    </Button>
  );
}

/**
 * Settings most users leave alone, folded away. Only what the engine honours; the engine checks the ranges
 * (resolveSettings) and a refused value is shown as an error when the run starts.
 */
function AdvancedSettings({ segment }: { segment: SegmentModel }) {
  const [open, setOpen] = useState(false);
  const parameters = useStore(segment.store, (s) => s.parameters);
  const set = (change: Partial<SegmentParameters>) => segment.parameters.set(change);
  return (
    <Stack gap="xs">
      <Button variant="subtle" size="xs" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'} Advanced settings
      </Button>
      <Collapse expanded={open}>
        <Stack gap="xs">
          <Group grow gap="xs">
            <NumberInput
              label="Iterations (niter)"
              description="0 = automatic"
              min={0}
              step={50}
              allowDecimal={false}
              value={parameters.niter}
              onChange={(value) => numeric(value, (niter) => set({ niter }))}
            />
            <NumberInput
              label="Batch size"
              description="Tiles per network pass"
              min={1}
              max={256}
              allowDecimal={false}
              value={parameters.batchSize}
              onChange={(value) => numeric(value, (batchSize) => set({ batchSize }))}
            />
          </Group>
          <Checkbox
            label="Augment (average flipped tiles; slower)"
            checked={parameters.augment}
            onChange={(event) => set({ augment: event.currentTarget.checked })}
          />
          <Button size="xs" variant="default" onClick={() => segment.parameters.resetToDefaults()}>
            Reset to Cellpose defaults
          </Button>
        </Stack>
      </Collapse>
    </Stack>
  );
}

function DisplaySettings({ segment }: { segment: SegmentModel }) {
  const pixels = useStore(segment.store, (s) => s.pixels);
  const ranges = useStore(segment.store, (s) => s.displayRanges);
  const visible = useStore(segment.store, (s) => s.channelVisible);
  const overlay = useStore(segment.store, (s) => s.overlay);
  const segmented = useStore(segment.store, (s) => s.segmentation !== null);
  if (pixels === null) return null;
  const shown = Math.min(3, pixels.channels);
  return (
    <Stack gap="xs">
      {Array.from({ length: shown }, (_, c) => {
        const [low, high] = pixels.extents[c]!;
        const step = pixels.data instanceof Float32Array ? Math.max((high - low) / 1000, Number.EPSILON) : 1;
        const name = pixels.channels === 1 ? 'gray' : CHANNEL_NAMES[c];
        return (
          <Stack key={c} gap={2}>
            <Group gap="xs" justify="space-between" wrap="nowrap">
              <Checkbox size="xs" label={`Channel ${c + 1} (${name})`} checked={visible[c] ?? true} onChange={(event) => segment.overlays.setChannelVisible(c, event.currentTarget.checked)} />
              <Button size="compact-xs" variant="subtle" onClick={() => segment.overlays.autoContrast(c)} aria-label={`Auto-contrast channel ${c + 1}`}>
                Auto
              </Button>
            </Group>
            <RangeSlider
              size="xs"
              min={low}
              max={high > low ? high : low + 1}
              step={step}
              minRange={0}
              value={ranges[c] ?? [low, high]}
              onChange={(range) => segment.overlays.setDisplayRange(c, range)}
              label={(value) => value.toFixed(pixels.data instanceof Float32Array ? 2 : 0)}
              aria-label={`Display range of channel ${c + 1}`}
            />
          </Stack>
        );
      })}
      <Group gap="md">
        <Switch label="Masks (X)" checked={overlay.showMasks} onChange={(event) => segment.overlays.set({ showMasks: event.currentTarget.checked })} />
        <Switch label="Outlines (Z)" checked={overlay.showOutlines} onChange={(event) => segment.overlays.set({ showOutlines: event.currentTarget.checked })} />
        <Switch label="Numbers (N)" checked={overlay.showNumbers} onChange={(event) => segment.overlays.set({ showNumbers: event.currentTarget.checked })} />
      </Group>
      <Radio.Group label="Network output" value={overlay.network} onChange={(value) => segment.overlays.setNetworkLayer(value as NetworkLayer)}>
        <Group gap="sm" mt={4}>
          <Radio size="xs" value="none" label="None" disabled={!segmented} />
          <Radio size="xs" value="flows" label="Flows (F)" disabled={!segmented} />
          <Radio size="xs" value="cellprob" label="Cell probability (P)" disabled={!segmented} />
        </Group>
      </Radio.Group>
      <Text size="xs">Mask opacity</Text>
      <Slider size="xs" min={0} max={1} step={0.05} value={overlay.opacity} onChange={(opacity) => segment.overlays.set({ opacity })} aria-label="Mask opacity" />
    </Stack>
  );
}

export function ControlPanel({ segment }: { segment: SegmentModel }) {
  return (
    <Stack gap="sm" p="sm">
      <Title order={5}>Image</Title>
      <OpenImage segment={segment} />
      <PixelSizeField segment={segment} />
      <Divider />
      <Title order={5}>Segmentation</Title>
      <SegmentSettings segment={segment} />
      <StackRunSettings segment={segment} />
      <Divider />
      <Title order={5}>Display</Title>
      <DisplaySettings segment={segment} />
    </Stack>
  );
}
