// The Benchmark view: what to measure on the left (model, image, providers, protocol), one Start button and Cancel;
// on the right this computer's fingerprint, progress, the charts filling in live as samples arrive, and the results
// table. Renderer.
import { Badge, Button, Checkbox, Group, NumberInput, Progress, ScrollArea, SegmentedControl, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { EXECUTION_PROVIDERS, type ProviderCheck } from '../../../shared/contract';
import { describeAdapter, providerLabel } from '../../../shared/bench/providerLabel';
import { BenchmarkCharts, ResultsTable } from '../charts/BenchmarkCharts';
import { chartRunOfState, protocolOf, type BenchmarkModel, type ProtocolName } from '../model/benchmark';
import { useStore } from '../useStore';
import { ErrorAlert } from './ErrorAlert';
import { ModelField } from './ModelField';

/** A word under a provider's box on what it would run on here; its full reason is in the box's tooltip. */
function providerNote(check: ProviderCheck | undefined): string | undefined {
  if (check === undefined) return undefined;
  if (!check.available) return 'not available here';
  return check.adapter === null ? undefined : `on ${describeAdapter(check.adapter)}`;
}

function Controls({ benchmark }: { benchmark: BenchmarkModel }) {
  const options = useStore(benchmark.store, (s) => s.options);
  const running = useStore(benchmark.store, (s) => s.running);
  const cancelling = useStore(benchmark.store, (s) => s.cancelling);
  const providersHere = useStore(benchmark.store, (s) => s.providersHere);
  return (
    <Stack gap="sm" p="md">
      <Title order={5}>Benchmark</Title>
      <ModelField catalog={benchmark.catalog} value={options.model} disabled={running} onChange={(model) => benchmark.setOptions({ model })} />
      <TextInput
        label="Image file"
        description="Cropped to each size; empty: a synthetic 2560 × 2160 image of cells"
        placeholder="synthetic cells"
        value={options.imagePath}
        disabled={running}
        onChange={(event) => benchmark.setOptions({ imagePath: event.currentTarget.value })}
      />
      <Checkbox.Group label="Execution providers" description="Ticked: those that start on this computer" value={options.providers}>
        <Stack gap={4} mt={4}>
          {EXECUTION_PROVIDERS.map((provider) => {
            const check = providersHere?.find((c) => c.provider === provider);
            return (
              <Checkbox
                key={provider}
                value={provider}
                label={provider}
                description={providerNote(check)}
                title={check?.reason ?? undefined}
                disabled={running}
                onChange={() => benchmark.toggleProvider(provider)}
              />
            );
          })}
        </Stack>
      </Checkbox.Group>
      <div>
        <Text size="sm" fw={500}>
          Protocol
        </Text>
        <SegmentedControl
          fullWidth
          aria-label="Protocol"
          disabled={running}
          value={protocolOf(options) ?? 'custom'}
          onChange={(value) => value !== 'custom' && benchmark.useProtocol(value as ProtocolName)}
          data={[
            { value: 'quick', label: 'Quick' },
            { value: 'full', label: 'Full (published)' },
            { value: 'custom', label: 'Custom', disabled: true },
          ]}
        />
      </div>
      <TextInput
        label="Crop sizes (px)"
        description="Sides, and full for the whole image; empty: 224, 448, … up to the full image"
        placeholder="224, 448, …, full"
        value={options.sizes}
        disabled={running}
        onChange={(event) => benchmark.setOptions({ sizes: event.currentTarget.value })}
      />
      <NumberInput
        label="Iterations"
        description="Timed segmentations per crop size and provider"
        min={1}
        max={1000}
        allowDecimal={false}
        value={options.iterations}
        disabled={running}
        onChange={(value) => typeof value === 'number' && benchmark.setOptions({ iterations: value })}
      />
      <Switch
        label="Estimate the diameter"
        description="Needs the model's size model"
        checked={options.estimateDiameter}
        disabled={running}
        onChange={(event) => benchmark.setOptions({ estimateDiameter: event.currentTarget.checked })}
      />
      <Group grow>
        <Button onClick={() => void benchmark.start()} disabled={running || options.providers.length === 0 || options.model.trim() === ''}>
          Start
        </Button>
        <Button variant="default" onClick={() => void benchmark.cancel()} disabled={!running || cancelling}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** This computer as a run here records it. */
function DeviceCard({ benchmark }: { benchmark: BenchmarkModel }) {
  const device = useStore(benchmark.store, (s) => s.device);
  if (device === null) return null;
  const { hardware, os, onnxRuntimeVersion, gpuDrivers } = device.fingerprint;
  const gpus = hardware.gpus.length === 0 ? 'none found' : hardware.gpus.join(', ');
  const drivers = gpuDrivers.filter((g) => g.driver !== null).map((g) => `${g.name} ${g.driver}`);
  const rows: [string, string][] = [
    ['CPU', hardware.cpuModel],
    ['Cores', String(hardware.cpuCores)],
    ['Memory', gib(hardware.memoryBytes)],
    ['GPUs', drivers.length > 0 ? `${gpus} (drivers: ${drivers.join(', ')})` : gpus],
    ['OS', `${os.name} ${os.release} (${hardware.platform}, ${hardware.arch})`],
    ['ONNX Runtime', onnxRuntimeVersion],
  ];
  return (
    <section aria-label="This computer" className="device-card">
      {/* A grid of our own: Mantine's SimpleGrid injects a <style> element (see [Note: Mantine under the CSP]). */}
      <div className="device-grid">
        {rows.map(([name, value]) => (
          <div key={name}>
            <Text size="xs" c="dimmed">
              {name}
            </Text>
            <Text size="sm">{value}</Text>
          </div>
        ))}
      </div>
    </section>
  );
}

function RunProgress({ benchmark }: { benchmark: BenchmarkModel }) {
  const running = useStore(benchmark.store, (s) => s.running);
  const done = useStore(benchmark.store, (s) => s.samples.length);
  const planned = useStore(benchmark.store, (s) => s.plannedSamples);
  const stage = useStore(benchmark.store, (s) => s.stage);
  const status = useStore(benchmark.store, (s) => s.status);
  const providers = useStore(benchmark.store, (s) => s.providerResults);
  if (!running && status === null) return <Text c="dimmed">Choose what to measure and press Start; the charts fill in as samples arrive.</Text>;
  const where =
    stage === null
      ? ''
      : ` · ${stage.provider}, ${stage.size === 'full' ? 'full image' : `${stage.size} px`}, ${stage.iteration === 0 ? 'warm-up' : `iteration ${stage.iteration}`}: ${stage.progress.stage} ${stage.progress.done}/${stage.progress.total}`;
  return (
    <Stack gap={6}>
      <Group justify="space-between">
        <Text size="sm" data-testid="bench-progress">
          {`${done} / ${planned} samples`}
          {running ? where : ` · ${status}`}
        </Text>
        {running && <Badge variant="light">running</Badge>}
      </Group>
      <Progress value={planned === 0 ? 0 : (100 * done) / planned} animated={running} aria-label="Benchmark progress" />
      <Group gap="xs">
        {providers.map((p) => (
          <Badge
            key={p.provider}
            color={p.available ? (p.adapter?.software === true ? 'yellow' : 'green') : 'gray'}
            variant="light"
            title={p.reason ?? [p.adapter === null ? '' : `on ${describeAdapter(p.adapter)}`, p.sessionMs === null ? '' : `session created in ${p.sessionMs.toFixed(0)} ms`].filter((t) => t !== '').join('; ')}
          >
            {`${providerLabel(p.provider, providers)}: ${p.available ? 'available' : 'not available'}`}
          </Badge>
        ))}
      </Group>
      {providers
        .filter((p) => !p.available && p.reason !== null)
        .map((p) => (
          <Text key={p.provider} size="xs" c="dimmed">
            {p.provider}: {p.reason}
          </Text>
        ))}
    </Stack>
  );
}

function LiveResults({ benchmark }: { benchmark: BenchmarkModel }) {
  const run = useStore(benchmark.store, (s) => s.run);
  const samples = useStore(benchmark.store, (s) => s.samples);
  const providerResults = useStore(benchmark.store, (s) => s.providerResults);
  const runs = useMemo(() => {
    const live = chartRunOfState({ run, samples, providerResults });
    return live === null ? [] : [live];
  }, [run, samples, providerResults]);
  return (
    <>
      <BenchmarkCharts runs={runs} />
      <ResultsTable runs={runs} />
    </>
  );
}

export function BenchmarkView({ benchmark }: { benchmark: BenchmarkModel }) {
  const error = useStore(benchmark.store, (s) => s.error);
  useEffect(() => {
    void benchmark.load();
  }, [benchmark]);
  return (
    <div className="paged-view">
      <ScrollArea className="side-panel" type="auto">
        <Controls benchmark={benchmark} />
      </ScrollArea>
      <ScrollArea className="page-main" type="auto">
        <Stack p="md" gap="md">
          <ErrorAlert error={error} onClose={() => benchmark.dismissError()} />
          <DeviceCard benchmark={benchmark} />
          <RunProgress benchmark={benchmark} />
          <LiveResults benchmark={benchmark} />
        </Stack>
      </ScrollArea>
    </div>
  );
}
