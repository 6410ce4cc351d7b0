// Root component of the CellDesk window (renderer): Mantine's theme, the header with the versions `app:info`
// reports, and the Segment view.
//
// [Note: Mantine under the CSP] The page's Content-Security-Policy allows only CellDesk's own style sheets, so the
// provider must not inject <style> elements: the default theme's CSS variables come from @mantine/core's style
// sheet instead (withCssVariables off), and no component here uses responsive style props or global classes
// (withGlobalClasses off), the two other sources of injected styles. Inline `style` props are set through the DOM,
// which the policy allows.
import { Badge, Group, MantineProvider, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/contract';
import type { EngineClient } from './engineClient';
import type { Workbench } from './model/workbench';
import { SegmentView } from './views/SegmentView';

function Header({ client }: { client: EngineClient }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let current = true;
    client.call('app:info').then(
      (value) => {
        if (current) setInfo(value);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client]);
  return (
    <Group className="header" justify="space-between" px="md">
      <Group gap="sm">
        <Title order={4}>CellDesk</Title>
        <Text size="sm" c="dimmed">
          Cellpose 3 segmentation on your own computer
        </Text>
      </Group>
      <Group gap="xs">
        <Badge variant="outline" color="gray">
          {client.kind === 'desktop' ? 'desktop app' : 'browser mode'}
        </Badge>
        {info !== null && (
          <Text size="xs" c="dimmed" title={`ONNX Runtime ${info.onnxruntime}, Node.js ${info.node}, ${info.platform} (${info.arch})`}>
            CellDesk {info.version} · ONNX Runtime {info.onnxruntime}
          </Text>
        )}
      </Group>
    </Group>
  );
}

export function App({ client, workbench }: { client: EngineClient; workbench: Workbench }) {
  return (
    <MantineProvider withCssVariables={false} withGlobalClasses={false} defaultColorScheme="light">
      <div className="app">
        <Header client={client} />
        <SegmentView workbench={workbench} />
      </div>
    </MantineProvider>
  );
}
