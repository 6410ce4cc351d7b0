// Root component of the CellDesk window (renderer): the app's name and the versions `app:info` reports.
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/contract';
import type { EngineClient } from './engineClient';

type InfoState = { status: 'loading' } | { status: 'ready'; info: AppInfo } | { status: 'failed'; message: string };

function VersionList({ info }: { info: AppInfo }) {
  const rows: [string, string][] = [
    ['CellDesk', info.version],
    ['ONNX Runtime', info.onnxruntime],
    ['Electron', info.electron ?? 'not running in Electron'],
    ['Chromium', info.chrome ?? 'not running in Electron'],
    ['Node.js', info.node],
    ['Platform', `${info.platform} (${info.arch})`],
  ];
  return (
    <dl className="versions">
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function App({ client }: { client: EngineClient }) {
  const [state, setState] = useState<InfoState>({ status: 'loading' });

  useEffect(() => {
    let current = true;
    client.call('app:info').then(
      (info) => {
        if (current) setState({ status: 'ready', info });
      },
      (error: unknown) => {
        if (current) setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [client]);

  return (
    <main>
      <h1>CellDesk</h1>
      <p className="tagline">Cellpose 3 cell segmentation on your own computer.</p>
      {state.status === 'loading' && <p>Reading versions…</p>}
      {state.status === 'ready' && <VersionList info={state.info} />}
      {state.status === 'failed' && <p role="alert">{state.message}</p>}
    </main>
  );
}
