// What a desktop window shows when its preload bridge did not load (see [Note: missing bridge] in src/shared/clientChoice.ts):
// a plain explanation instead of a window whose every action fails. Renderer.
import { Alert, MantineProvider, Text } from '@mantine/core';

export function BridgeMissing() {
  return (
    // The provider's settings: [Note: Mantine under the CSP] in App.tsx.
    <MantineProvider withCssVariables={false} withGlobalClasses={false} defaultColorScheme="light">
      <Alert color="red" title="CellDesk could not connect this window to its engine" m="xl">
        <Text size="sm">
          The part of CellDesk that links the window to its engine (the preload script) did not load, so no image can be opened or segmented. Your
          images, models and history are not affected. Quit CellDesk and start it again; if this message comes back, reinstall CellDesk.
        </Text>
        <Text size="xs" c="dimmed" mt="sm">
          Developers: the main process printed the preload&apos;s error in the terminal.
        </Text>
      </Alert>
    </MantineProvider>
  );
}
