// The Segment view's Cellpose session file controls: "Save session (_seg.npy)" beside the image, and the line saying
// which session file the masks came from (and why its image is blank, when it is). Renderer.
import { Button, Text } from '@mantine/core';
import type { SegmentModel } from '../model/segment/segmentModel';
import { useStore } from '../useStore';

/** Saves the masks (every plane of a stack) as <image>_seg.npy in the image's folder, for the Cellpose GUI. */
export function SaveSessionButton({ segment }: { segment: SegmentModel }) {
  const hasMasks = useStore(segment.store, (s) => s.segmentation !== null || s.stack !== null);
  const busy = useStore(segment.store, (s) => s.activity.kind !== 'idle');
  const folder = useStore(segment.store, (s) => s.image?.exportFolder ?? '');
  return (
    <Button size="xs" variant="light" disabled={!hasMasks || busy} title={`Writes <image>_seg.npy into ${folder}`} onClick={() => void segment.exports.saveSession()}>
      Save session (_seg.npy)
    </Button>
  );
}

/** Which session file the masks were opened from. */
export function SessionSource({ segment }: { segment: SegmentModel }) {
  const opened = useStore(segment.store, (s) => s.openedSession);
  if (opened === null) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="session-source">
      From the session file {opened.name}
      {opened.imageMissing === null ? '' : `, over a blank canvas (${opened.imageMissing})`}.
    </Text>
  );
}
