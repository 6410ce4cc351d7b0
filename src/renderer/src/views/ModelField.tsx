// The model field of the Segment and Benchmark views: a catalogue or registered name from the shared model list,
// each marked as on this computer or to download (with its size), or a model file's path typed in; under it, for an
// official model not here yet, its download with progress and cancel. Renderer.
import { Autocomplete, Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { ModelChoice } from '../../../shared/contract';
import type { ModelCatalog } from '../model/modelCatalog';
import { useStore } from '../useStore';

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Where a model is: here, or what its download would bring. */
function whereItIs(model: ModelChoice): string {
  if (model.available) return 'on this computer';
  return model.downloadBytes === null ? 'to download' : `to download, ${megabytes(model.downloadBytes)}`;
}

/** The chosen official model's download: what it would bring and a button, its progress and Cancel, or how it ended. */
function ModelDownloadRow({ catalog, model }: { catalog: ModelCatalog; model: ModelChoice }) {
  const download = useStore(catalog.store, (s) => s.download);
  const outcome = useStore(catalog.store, (s) => s.downloadOutcome);
  if (download?.name === model.name) {
    const { progress } = download;
    const total = progress?.totalBytes ?? null;
    const said = progress === null ? 'Asking the model server…' : `${progress.file}: ${megabytes(progress.receivedBytes)}${total === null ? '' : ` of ${megabytes(total)}`}`;
    return (
      <Stack gap={4} aria-label="Model download">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="xs" data-testid="model-download-progress">
            {said}
          </Text>
          <Button size="compact-xs" variant="default" disabled={download.cancelling} onClick={() => void catalog.cancelDownload()}>
            Cancel download
          </Button>
        </Group>
        <Progress size="sm" value={total === null || total === 0 ? 0 : (100 * (progress?.receivedBytes ?? 0)) / total} aria-label="Download progress" />
      </Stack>
    );
  }
  const ended = outcome?.name === model.name ? outcome : null;
  if (model.available) return ended?.ok === true ? <Text size="xs" c="green.8">{ended.message}</Text> : null;
  return (
    <Stack gap={4} aria-label="Model download">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="xs" c="dimmed">
          {`Not on this computer yet${model.downloadBytes === null ? '' : `: ${megabytes(model.downloadBytes)}`}. A run downloads it first.`}
        </Text>
        <Button size="compact-xs" variant="light" disabled={download !== null} onClick={() => void catalog.download(model.name)}>
          Download
        </Button>
      </Group>
      {ended !== null && (
        <Text size="xs" c={ended.ok ? 'green.8' : 'red.8'} role="alert">
          {ended.message}
        </Text>
      )}
    </Stack>
  );
}

export function ModelField(props: { catalog: ModelCatalog; value: string; onChange: (model: string) => void; disabled?: boolean }) {
  const { catalog, value, onChange, disabled = false } = props;
  const models = useStore(catalog.store, (s) => s.models);
  const offered = models.filter((m) => m.supported);
  const chosen = offered.find((m) => m.name === value.trim());
  return (
    <Stack gap={4}>
      <Autocomplete
        label="Model"
        description="A model name, or the path of a model file"
        placeholder="cyto3"
        data={offered.map((m) => m.name)}
        renderOption={({ option }) => {
          const model = offered.find((m) => m.name === option.value);
          return (
            <Group justify="space-between" wrap="nowrap" w="100%" gap="xs">
              <span className="model-option-name">{option.value}</span>
              {model !== undefined && (
                <Text size="xs" c={model.available ? 'green.8' : 'dimmed'}>
                  {whereItIs(model)}
                </Text>
              )}
            </Group>
          );
        }}
        value={value}
        disabled={disabled}
        onChange={onChange}
      />
      {chosen !== undefined && <ModelDownloadRow catalog={catalog} model={chosen} />}
    </Stack>
  );
}
