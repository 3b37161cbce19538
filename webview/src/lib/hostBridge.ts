// The webview's only way out, typed in both directions: what a panel posts (ToHost) and what the host sends it
// (ToWebview, a union discriminated by `type`). Behind it sits a WebviewHost: VS Code's messaging API in a real
// webview, or whatever a test installs with setHost() before the panel's module runs, so panel code runs in a
// plain browser page with a fake host. Typed arrays are packed both ways (see binaryCodec.ts).
import { packBinary, unpackBinary } from '../../../src/shared/protocol/binaryCodec';

/** The few things a webview needs from its host: post, listen, and a state that survives a window reload. */
export interface WebviewHost {
  postMessage(msg: unknown): void;
  /** Calls `listener` with every message the host sends, as it arrives (still packed). */
  listen(listener: (data: unknown) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** VS Code's API (it may be acquired once per page: the provider below keeps the one host it made). */
function vscodeHost(): WebviewHost {
  const api = acquireVsCodeApi();
  return {
    postMessage: (msg) => api.postMessage(msg),
    listen: (listener) => window.addEventListener('message', (e: MessageEvent) => listener(e.data)),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}

let installed: WebviewHost | undefined;

/**
 * Replaces the host every later connectToHost() talks to. Tests call it before the panel's module is evaluated
 * (an import placed before the panel's import runs first), so the page needs no acquireVsCodeApi.
 */
export function setHost(host: WebviewHost): void {
  installed = host;
}

function currentHost(): WebviewHost {
  installed ??= vscodeHost();
  return installed;
}

/** Any message with a string `type`: what every ToWebview union is made of. */
export interface TypedMessage {
  type: string;
}

/** The member of a message union with that type. */
export type MessageOf<M extends TypedMessage, K extends M['type']> = Extract<M, { type: K }>;

/** One optional handler per message type, each given that type's member of the union. */
export type MessageHandlers<M extends TypedMessage> = { [K in M['type']]?: (msg: MessageOf<M, K>) => void };

export interface HostBridge<ToHost, ToWebview extends TypedMessage, State> {
  post(msg: ToHost): void;
  /** Every message from the host (an object with a string `type`; anything else is dropped). */
  onMessage(handler: (msg: ToWebview) => void): void;
  /** The messages of one type. */
  on<K extends ToWebview['type']>(type: K, handler: (msg: MessageOf<ToWebview, K>) => void): void;
  /** A handler per type; types without one are ignored. */
  handle(handlers: MessageHandlers<ToWebview>): void;
  savedState(): State | undefined;
  saveState(state: State): void;
}

/** A panel's bridge (mountPanel makes it; a panel rarely needs its own). */
export function connectToHost<ToHost, ToWebview extends TypedMessage, State>(): HostBridge<ToHost, ToWebview, State> {
  const host = currentHost();
  const onMessage = (handler: (msg: ToWebview) => void): void =>
    host.listen((raw) => {
      const data = unpackBinary(raw);
      // The only check the boundary makes: the host is trusted, but a stray message (another extension's, a
      // devtools probe) must not reach a handler that reads `type`.
      if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') handler(data as ToWebview);
    });
  return {
    post: (msg) => host.postMessage(packBinary(msg)),
    onMessage,
    on: (type, handler) => onMessage((msg) => {
      if (msg.type === type) (handler as (m: ToWebview) => void)(msg);
    }),
    handle: (handlers) => {
      // A Map, not an object lookup: a message typed 'constructor' must not reach Object.prototype.
      const routes = new Map(Object.entries(handlers) as [string, (m: ToWebview) => void][]);
      onMessage((msg) => routes.get(msg.type)?.(msg));
    },
    savedState: () => (host.getState() as State | undefined) ?? undefined,
    saveState: (state) => host.setState(state),
  };
}
