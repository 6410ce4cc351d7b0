// The model field of the Segment and Benchmark views: a catalogue or registered name from the list, or a model file's
// path typed in. Renderer.
import { Autocomplete } from '@mantine/core';
import type { ModelChoice } from '../../../shared/contract';

export function ModelField(props: { models: readonly ModelChoice[]; value: string; onChange: (model: string) => void; disabled?: boolean }) {
  const { models, value, onChange, disabled = false } = props;
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
