// The model field of the Segment and Benchmark views: a catalogue or registered name from the shared model list,
// or a model file's path typed in. Renderer.
import { Autocomplete } from '@mantine/core';
import type { ModelCatalog } from '../model/modelCatalog';
import { useStore } from '../useStore';

export function ModelField(props: { catalog: ModelCatalog; value: string; onChange: (model: string) => void; disabled?: boolean }) {
  const { catalog, value, onChange, disabled = false } = props;
  const models = useStore(catalog.store, (s) => s.models);
  return (
    <Autocomplete
      label="Model"
      description="A model name, or the path of a model file"
      placeholder="cyto3"
      data={models.filter((m) => m.supported).map((m) => m.name)}
      value={value}
      disabled={disabled}
      onChange={onChange}
    />
  );
}
