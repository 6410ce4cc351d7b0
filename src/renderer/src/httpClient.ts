// The engine client of the browser mode: contract calls over `celldesk serve`'s HTTP API, events over Server-Sent
// Events. Renderer (uses the DOM's fetch and EventSource).
import { CallFailedError, unwrapOutcome, type CallOutcome, type CallResult } from '../../shared/contract';
import { RecycledArrays } from '../../shared/viewer/recycledArrays';
import { decodeMessage, encodeMessage } from '../../shared/wire';
import type { EngineClient } from './engineClient';

/**
 * An engine client over the browser mode's HTTP API at `origin`: POST /api/call/<name>, bodies framed by
 * src/shared/wire.ts; events from GET /api/events (Server-Sent Events). Both carry the token as the HttpOnly cookie
 * the server set when the page was first opened (see [Note: browser-mode requests] in src/host/requestGuard.ts),
 * which the page itself never sees.
 */
export function createHttpClient(origin: string): EngineClient {
  const recycled = new RecycledArrays();
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
      const outcome = decodeMessage(new Uint8Array(await response.arrayBuffer()), { target: recycled }) as CallOutcome<CallResult<typeof name>>;
      return unwrapOutcome(outcome);
    },
    on(name, listener) {
      const source = new EventSource(`${origin}/api/events`);
      const relay = (event: MessageEvent<string>) => listener(JSON.parse(event.data) as Parameters<typeof listener>[0]);
      source.addEventListener(name, relay);
      return () => source.close();
    },
    // A browser never tells a page where a file lies; the server may be on another computer anyway.
    pathForFile: () => null,
    recycled,
  };
}
