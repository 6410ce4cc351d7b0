// The Segment view's main action, pinned under the left panel so that it is on screen at any window height: Run and
// Cancel (Run goes over the shown plane or all planes of a stack, as its controls say), and the progress of a run
// (with the plane, over a stack), a calibration or a re-threshold. Renderer.
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { StageProgress } from '../../../shared/contract';
import type { SegmentModel } from '../model/segment/segmentModel';
import { useStore } from '../useStore';

const STAGE_NAMES: Readonly<Record<string, string>> = {
  normalize: 'Normalizing',
  sizeStyle: 'Estimating the diameter',
  sizeMasks: 'Estimating the diameter',
  network: 'Running the network',
  masks: 'Computing masks',
};

/** Where a segmentation is, in words: its stage, and the tiles done when it has several (the Batch view's too). */
export function stageText(progress: StageProgress): string {
  return `${STAGE_NAMES[progress.stage] ?? progress.stage}${progress.total > 1 ? ` (${progress.done} of ${progress.total} tiles)` : '…'}`;
}

export function RunBar({ segment }: { segment: SegmentModel }) {
  const activity = useStore(segment.store, (s) => s.activity);
  const hasImage = useStore(segment.store, (s) => s.image !== null);
  const model = useStore(segment.store, (s) => s.parameters.model);
  const progress = activity.kind === 'segmenting' || activity.kind === 'calibrating' ? activity.progress : null;
  const fraction = progress === null || progress.total === 0 ? 0 : progress.done / progress.total;
  return (
    <Stack gap="xs" p="sm" className="run-bar">
      <Group grow gap="xs">
        <Button onClick={() => void segment.stack.run()} disabled={!hasImage || model.trim() === '' || activity.kind !== 'idle'} loading={activity.kind === 'segmenting'}>
          Run
        </Button>
        <Button variant="default" onClick={() => void segment.runs.cancel()} disabled={activity.kind !== 'segmenting' && activity.kind !== 'calibrating'}>
          Cancel
        </Button>
      </Group>
      {(activity.kind === 'segmenting' || activity.kind === 'calibrating') && (
        <Stack gap={4} aria-label={activity.kind === 'segmenting' ? 'Segmentation progress' : 'Calibration progress'}>
          <Progress value={fraction * 100} animated={progress === null || progress.total <= 1} />
          <Text size="xs" c="dimmed">
            {progress === null ? 'Opening the model…' : stageText(progress)}
            {progress?.plane === undefined ? '' : ` Plane ${progress.plane.index + 1} of ${progress.plane.count}.`}
          </Text>
        </Stack>
      )}
      {activity.kind === 'rethresholding' && (
        <Text size="xs" c="dimmed">
          Recomputing masks…
        </Text>
      )}
    </Stack>
  );
}
