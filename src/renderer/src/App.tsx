// Root component of the CellDesk window (renderer): Mantine's theme, the header with the versions `app:info`
// reports, the Segment | Batch | Benchmark | History navigation and the open image's name (also the window's title),
// and the chosen view.
//
// [Note: Mantine under the CSP] The page's Content-Security-Policy allows only CellDesk's own style sheets, so the
// provider must not inject <style> elements: the default theme's CSS variables come from @mantine/core's style
// sheet instead (withCssVariables off), and no component here uses responsive style props or global classes
// (withGlobalClasses off), the two other sources of injected styles. Inline `style` props are set through the DOM,
// which the policy allows.
import { Badge, Group, MantineProvider, Tabs, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/contract';
import type { EngineClient } from './engineClient';
import type { AppModel } from './model/appModel';
import type { SegmentModel } from './model/segment/segmentModel';
import { windowTitle } from './model/windowTitle';
import { useStore } from './useStore';
import { BatchView } from './views/BatchView';
import { BenchmarkView } from './views/BenchmarkView';
import { HistoryView } from './views/HistoryView';
import { SegmentView } from './views/SegmentView';

type ViewName = 'segment' | 'batch' | 'benchmark' | 'history';

function Navigation({ view, onChange }: { view: ViewName; onChange: (view: ViewName) => void }) {
  return (
    <Tabs value={view} onChange={(value) => value !== null && onChange(value as ViewName)} variant="pills" radius="sm">
      <Tabs.List>
        <Tabs.Tab value="segment">Segment</Tabs.Tab>
        <Tabs.Tab value="batch">Batch</Tabs.Tab>
        <Tabs.Tab value="benchmark">Benchmark</Tabs.Tab>
        <Tabs.Tab value="history">History</Tabs.Tab>
      </Tabs.List>
    </Tabs>
  );
}

/** The open image's name in the header and the window's title, marked while its edits are unsaved. */
function OpenImageName({ segment }: { segment: SegmentModel }) {
  const name = useStore(segment.store, (s) => s.image?.name ?? null);
  const path = useStore(segment.store, (s) => s.image?.path ?? null);
  const unsaved = useStore(segment.store, (s) => s.unsaved);
  useEffect(() => {
    document.title = windowTitle(name, unsaved);
  }, [name, unsaved]);
  if (name === null) return null;
  return (
    <Text size="sm" fw={600} truncate="start" maw={420} title={path ?? name} data-testid="image-name">
      {name}
      {unsaved ? ' ●' : ''}
    </Text>
  );
}

function Header({ client, segment, view, onViewChange }: { client: EngineClient; segment: SegmentModel; view: ViewName; onViewChange: (view: ViewName) => void }) {
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
        <Navigation view={view} onChange={onViewChange} />
      </Group>
      <OpenImageName segment={segment} />
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

/**
 * Each view's state lives in its model outside React, so the Benchmark and History views mount when shown. The
 * Segment view stays mounted, only hidden, so that its viewer keeps its pan and zoom; its shortcuts are off meanwhile.
 */
export function App({ client, model }: { client: EngineClient; model: AppModel }) {
  const { segment, batch, benchmark, history } = model;
  const [view, setView] = useState<ViewName>('segment');
  return (
    <MantineProvider withCssVariables={false} withGlobalClasses={false} defaultColorScheme="light">
      <div className="app">
        <Header client={client} segment={segment} view={view} onViewChange={setView} />
        <div className={view === 'segment' ? 'view' : 'view view-hidden'}>
          <SegmentView segment={segment} active={view === 'segment'} />
        </div>
        {view === 'batch' && (
          <div className="view">
            <BatchView batch={batch} onOpenInSegment={() => setView('segment')} />
          </div>
        )}
        {view === 'benchmark' && (
          <div className="view">
            <BenchmarkView benchmark={benchmark} />
          </div>
        )}
        {view === 'history' && (
          <div className="view">
            <HistoryView history={history} />
          </div>
        )}
      </div>
    </MantineProvider>
  );
}
