// The Segment view's controls for stacks: the Z (plane) and T (time point) sliders under the viewer, and how Run goes
// over the planes (the shown plane, or all of them kept apart or linked by a stitch threshold). Renderer.
import { Group, NumberInput, SegmentedControl, Slider, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { SegmentModel } from '../model/segment/segmentModel';
import { useStore } from '../useStore';

/** One axis's slider: it follows the shown position, and asks for a new one when released (a plane read per stop). */
function AxisSlider({ label, name, count, shown, onChoose, disabled }: { label: string; name: string; count: number; shown: number; onChoose: (index: number) => void; disabled: boolean }) {
  const [value, setValue] = useState(shown);
  useEffect(() => setValue(shown), [shown]);
  return (
    <Group gap="xs" wrap="nowrap" className="axis-slider">
      <Text size="sm" fw={600} w={18}>
        {label}
      </Text>
      <Slider
        style={{ flex: 1 }}
        size="sm"
        min={0}
        max={count - 1}
        step={1}
        value={value}
        label={(index) => `${index + 1} / ${count}`}
        onChange={setValue}
        onChangeEnd={(index) => index !== shown && onChoose(index)}
        disabled={disabled}
        thumbLabel={name}
      />
      <Text size="sm" w={64} ta="right" data-testid={`${label.toLowerCase()}-position`}>
        {shown + 1} / {count}
      </Text>
    </Group>
  );
}

/** Under the viewer, for a stack: which plane (Z) and time point (T) are shown. */
export function PlaneSliders({ segment }: { segment: SegmentModel }) {
  const stack = useStore(segment.store, (s) => s.stack);
  const image = useStore(segment.store, (s) => s.image);
  const busy = useStore(segment.store, (s) => s.activity.kind !== 'idle');
  if (stack === null || image === null) return null;
  return (
    <Stack gap={2} className="plane-sliders" px="sm">
      {stack.planes > 1 && (
        <AxisSlider label="Z" name="Plane (Z)" count={stack.planes} shown={image.plane} disabled={busy} onChoose={(plane) => void segment.stack.goTo({ plane, frame: image.frame })} />
      )}
      {stack.frames > 1 && (
        <AxisSlider label="T" name="Time point (T)" count={stack.frames} shown={image.frame} disabled={busy} onChoose={(frame) => void segment.stack.goTo({ plane: image.plane, frame })} />
      )}
    </Stack>
  );
}

/** Beside Run, for a stack of planes: segment the shown plane or all of them, and Cellpose's stitch threshold. */
export function StackRunSettings({ segment }: { segment: SegmentModel }) {
  const stack = useStore(segment.store, (s) => s.stack);
  if (stack === null || stack.planes === 1) return null;
  return (
    <Stack gap={6}>
      <SegmentedControl
        size="xs"
        fullWidth
        value={stack.scope}
        onChange={(scope) => segment.stack.setScope(scope === 'all' ? 'all' : 'plane')}
        data={[
          { value: 'plane', label: 'This plane' },
          { value: 'all', label: `All ${stack.planes} planes` },
        ]}
        aria-label="Planes to segment"
      />
      {stack.scope === 'all' && (
        <NumberInput
          label="Stitch threshold (IoU)"
          description="Masks in neighbouring planes overlapping by more are one cell; 0 keeps the planes apart."
          min={0}
          max={1}
          step={0.05}
          decimalScale={3}
          value={stack.stitchThreshold}
          onChange={(value) => typeof value === 'number' && segment.stack.setStitchThreshold(value)}
        />
      )}
    </Stack>
  );
}

/** In the results, for a stack: the masks counted are the shown plane's; linked cells are counted through the planes. */
export function StackSummary({ segment }: { segment: SegmentModel }) {
  const stack = useStore(segment.store, (s) => s.stack);
  const plane = useStore(segment.store, (s) => s.image?.plane ?? 0);
  if (stack === null || stack.planes === 1) return null;
  return (
    <Text size="sm" data-testid="stack-summary">
      in plane {plane + 1} of {stack.planes}
      {stack.linkedCells === null ? '' : `; ${stack.linkedCells} ${stack.linkedCells === 1 ? 'cell' : 'cells'} linked through the planes`}
    </Text>
  );
}
