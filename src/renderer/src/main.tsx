// Renderer entry: picks the engine client (Electron's preload bridge, or the browser mode's HTTP API with the token
// from the page's address), creates the views' models and their store on it (outside React) and mounts the CellDesk
// window.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBridgeClient, type EngineClient } from './engineClient';
import { createHttpClient } from './httpClient';
import { createAppModel } from './model/appModel';
import '@mantine/core/styles.css';
import './styles.css';

function engineClient(): EngineClient {
  // `window.celldesk` is absent outside Electron, whatever the type declaration says.
  const bridge = (window as Partial<Window>).celldesk;
  if (bridge !== undefined) return createBridgeClient(bridge);
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  return createHttpClient(window.location.origin, token);
}

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element to mount CellDesk in');

const client = engineClient();
createRoot(container).render(
  <StrictMode>
    <App client={client} model={createAppModel(client)} />
  </StrictMode>,
);
