// The offer to restart the desktop app's engine after it stopped unexpectedly (see [Note: engine restart] in
// src/renderer/src/model/segment/engineRestart.ts): says how it ended and that nothing shown is lost. Renderer.
import { Alert, Button, Text } from '@mantine/core';
import { useState } from 'react';
import type { SegmentModel } from '../model/segment/segmentModel';
import { useStore } from '../useStore';

export function EngineStoppedAlert({ segment }: { segment: SegmentModel }) {
  const reason = useStore(segment.store, (s) => s.engineStopped);
  const hasImage = useStore(segment.store, (s) => s.image !== null);
  const [restarting, setRestarting] = useState(false);
  if (reason === null) return null;
  const restart = () => {
    setRestarting(true);
    void segment.restartEngine().finally(() => setRestarting(false));
  };
  return (
    <Alert color="orange" title="CellDesk's engine stopped" role="alert">
      <Text size="sm">
        The engine that opens and segments images stopped unexpectedly ({reason}).{' '}
        {hasImage ? 'The image, your masks and your unsaved edits are kept here; restarting opens the image again.' : 'Nothing was lost.'}
      </Text>
      <Button mt="xs" size="xs" loading={restarting} onClick={restart}>
        Restart the engine
      </Button>
    </Alert>
  );
}
