// Renderer entry: mounts the CellDesk window on the Electron preload's bridge (`window.celldesk`).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBridgeClient } from './engineClient';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element to mount CellDesk in');

createRoot(container).render(
  <StrictMode>
    <App client={createBridgeClient(window.celldesk)} />
  </StrictMode>,
);
