// The question before a segmentation estimated to be large (see [Note: run estimates] in
// src/engine/pipeline/estimateRun.ts): what it would take, Cancel, or Segment anyway. Renderer.
import { Button, Group, Modal, Text } from '@mantine/core';
import type { Workbench } from '../model/workbench';
import { useStore } from '../useStore';

export function LargeRunDialog({ workbench }: { workbench: Workbench }) {
  const question = useStore(workbench.store, (s) => s.largeRun);
  return (
    <Modal opened={question !== null} onClose={() => workbench.declineLargeRun()} title="A large segmentation" lockScroll={false}>
      <Text size="sm">{question}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => workbench.declineLargeRun()} data-autofocus>
          Cancel
        </Button>
        <Button color="orange" onClick={() => void workbench.confirmLargeRun()}>
          Segment anyway
        </Button>
      </Group>
    </Modal>
  );
}
