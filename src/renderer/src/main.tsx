// Renderer entry: picks the engine client (Electron's preload bridge, or the browser mode's HTTP API, authorised by
// the cookie `celldesk serve` set when its address was opened), creates each view's state on it (outside React)
// and mounts the CellDesk window.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBridgeClient, createHttpClient, type EngineClient } from './engineClient';
import { BenchmarkModel } from './model/benchmark';
import { HistoryModel } from './model/history';
import { Workbench } from './model/workbench';
import '@mantine/core/styles.css';
import './styles.css';

function engineClient(): EngineClient {
  // `window.celldesk` is absent outside Electron, whatever the type declaration says.
  const bridge = (window as Partial<Window>).celldesk;
  if (bridge !== undefined) return createBridgeClient(bridge);
  return createHttpClient(window.location.origin);
}

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element to mount CellDesk in');

const client = engineClient();
const history = new HistoryModel(client);
// A finished benchmark run is in the history: the History view lists it without being reopened.
const benchmark = new BenchmarkModel(client, () => void history.refresh());
createRoot(container).render(
  <StrictMode>
    <App client={client} workbench={new Workbench(client)} benchmark={benchmark} history={history} />
  </StrictMode>,
);
