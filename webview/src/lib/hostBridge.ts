// The webview's only way out: VS Code's messaging API behind a small seam, so panel code can run in a plain
// browser page (tests) with a fake bridge. Typed arrays are packed both ways (see binaryCodec.ts).
import { packBinary, unpackBinary } from '../../../src/shared/protocol/binaryCodec';
interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** A message from the host, unpacked: its `type` is checked, the rest each panel reads as its protocol says. */
export type HostMessage = { type: string } & Record<string, unknown>;

export interface HostBridge<ToHost, State> {
  post(msg: ToHost): void;
  onMessage(handler: (msg: HostMessage) => void): void;
  savedState(): State | undefined;
  saveState(state: State): void;
}

export function connectToHost<ToHost, State>(): HostBridge<ToHost, State> {
  const api = acquireVsCodeApi();
  return {
    post: (msg) => api.postMessage(packBinary(msg)),
    onMessage: (handler) =>
      window.addEventListener('message', (e: MessageEvent) => {
        const data: unknown = unpackBinary(e.data);
        if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
          handler(data as HostMessage);
        }
      }),
    savedState: () => (api.getState() as State | undefined) ?? undefined,
    saveState: (state) => api.setState(state),
  };
}
