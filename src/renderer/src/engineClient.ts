// The renderer's only way to reach the engine: contract calls and events behind one small interface, so the same UI
// runs over Electron's preload bridge or over the browser mode's HTTP API (`celldesk serve`). Renderer.
import {
  CallFailedError,
  unwrapOutcome,
  type CallArgs,
  type CallName,
  type CallOutcome,
  type CallResult,
  type CellDeskBridge,
  type EventListener,
  type EventName,
} from '../../shared/contract';
import { decodeMessage, encodeMessage } from '../../shared/wire';

export interface EngineClient {
  /** 'desktop': Electron, with native dialogs; 'browser': `celldesk serve`, images opened by path or upload. */
  readonly kind: 'desktop' | 'browser';
  /** Runs a contract call; a failure is thrown as CallFailedError, whose `code` and `details` say what went wrong. */
  call<K extends CallName>(name: K, ...args: CallArgs<K>): Promise<CallResult<K>>;
  /** Listens to an engine event; returns the function that stops listening. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void;
}

/** An engine client over a `window.celldesk`-shaped bridge (the Electron preload's). */
export function createBridgeClient(bridge: CellDeskBridge): EngineClient {
  return {
    kind: 'desktop',
    call: async (name, ...args) => unwrapOutcome(await bridge.call(name, ...args)),
    on: (name, listener) => bridge.on(name, listener),
  };
}

/**
 * An engine client over the browser mode's HTTP API at `origin`: POST /api/call/<name>, bodies framed by
 * src/shared/wire.ts; events from GET /api/events (Server-Sent Events). Both carry the token as the HttpOnly cookie
 * the server set when the page was first opened (see [Note: browser-mode requests] in
 * src/main/services/requestGuard.ts), which the page itself never sees.
 */
export function createHttpClient(origin: string): EngineClient {
  return {
    kind: 'browser',
    async call(name, ...args) {
      const response = await fetch(`${origin}/api/call/${encodeURIComponent(name)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/octet-stream' },
        body: encodeMessage({ input: args[0] }) as Uint8Array<ArrayBuffer>,
      });
      if (response.status === 401) {
        throw new CallFailedError({
          code: 'UNAUTHORIZED',
          message: 'CellDesk refused this page: open the address that `celldesk serve` printed, with its token.',
          details: {},
        });
      }
      if (!response.ok) {
        throw new CallFailedError({ code: 'HTTP_ERROR', message: `CellDesk's server answered ${response.status} ${response.statusText}.`, details: { status: response.status } });
      }
      const outcome = decodeMessage(new Uint8Array(await response.arrayBuffer())) as CallOutcome<CallResult<typeof name>>;
      return unwrapOutcome(outcome);
    },
    on(name, listener) {
      const source = new EventSource(`${origin}/api/events`);
      const relay = (event: MessageEvent<string>) => listener(JSON.parse(event.data) as Parameters<typeof listener>[0]);
      source.addEventListener(name, relay);
      return () => source.close();
    },
  };
}
