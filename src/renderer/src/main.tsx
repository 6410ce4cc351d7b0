// Renderer entry: picks the engine client (Electron's preload bridge, or the browser mode's HTTP API, authorised by
// the cookie `celldesk serve` set when its address was opened), creates the views' models and their store on it
// (outside React) and mounts the CellDesk window; a desktop window without its bridge says so (see
// [Note: missing bridge] in src/shared/clientChoice.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { chooseClient } from '../../shared/clientChoice';
import { createBridgeClient } from './engineClient';
import { createHttpClient } from './httpClient';
import { createAppModel } from './model/appModel';
import { BridgeMissing } from './views/BridgeMissing';
import '@mantine/core/styles.css';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element to mount CellDesk in');

const choice = chooseClient({ bridge: (window as Partial<Window>).celldesk, href: window.location.href, userAgent: navigator.userAgent });
if (choice.kind === 'missing-bridge') {
  createRoot(container).render(<BridgeMissing />);
} else {
  const client = choice.kind === 'desktop' ? createBridgeClient(choice.bridge) : createHttpClient(choice.origin);
  createRoot(container).render(
    <StrictMode>
      <App client={client} model={createAppModel(client)} />
    </StrictMode>,
  );
}
