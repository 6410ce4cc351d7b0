// The question before a segmentation estimated to be large (see [Note: run estimates] in
// src/engine/pipeline/estimateRun.ts): what it would take, Cancel, or Segment anyway. Renderer.
import { Button, Group, Modal, Text } from '@mantine/core';
import type { SegmentModel } from '../model/segment/segmentModel';
import { useStore } from '../useStore';

export function LargeRunDialog({ segment }: { segment: SegmentModel }) {
  const question = useStore(segment.store, (s) => s.largeRun);
  return (
    <Modal opened={question !== null} onClose={() => segment.runs.declineLargeRun()} title="A large segmentation" lockScroll={false}>
      <Text size="sm">{question}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => segment.runs.declineLargeRun()} data-autofocus>
          Cancel
        </Button>
        <Button color="orange" onClick={() => void segment.runs.confirmLargeRun()}>
          Segment anyway
        </Button>
      </Group>
    </Modal>
  );
}
