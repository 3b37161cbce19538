// The host messages every grid panel treats alike (progress and failures on the status line, the backend's name
// in the header) beside each panel's own, for a panel whose host messages are still untyped. Panels on
// mountPanel (mountPanel.ts) get the same routing, typed by their ToWebview union.
import type { HostBridge, HostMessage } from './hostBridge';
import type { StatusLine } from './statusLine';

export type HostMessageHandlers = Record<string, (msg: HostMessage) => void>;

/**
 * Routes each host message by its type: 'loading' and 'error' to the status line unless the panel handles them
 * itself, every other type to the panel's handler of that name; a type nobody handles is ignored.
 */
export function routeHostMessages<ToHost, State>(host: HostBridge<ToHost, HostMessage, State>, status: StatusLine, handlers: HostMessageHandlers): void {
  // A Map, not an object lookup: a message typed 'constructor' must not reach Object.prototype.
  const routes = new Map<string, (msg: HostMessage) => void>([
    ['loading', (msg) => status.loading(msg.message as string)],
    ['error', (msg) => status.error(msg.message as string)],
    ...Object.entries(handlers),
  ]);
  host.onMessage((msg) => routes.get(msg.type)?.(msg));
}

/** Writes the backend an 'init' message names into the header that mountGridPanel laid out. */
export function showBackend(msg: HostMessage): void {
  document.getElementById('backend')!.textContent = msg.backend as string;
}
