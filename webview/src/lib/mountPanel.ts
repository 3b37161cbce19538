// The skeleton every panel's webview stands on: the header (breadcrumb and backend), the status line, and the
// part of the host conversation that is the same everywhere — 'ready' once the panel listens, 'init' (the
// panel's state and backend), 'loading' and 'error' on the status line, 'requestSnapshot' answered with the
// panel's picture, 'testOpenUnit' handed to the panel's unit tiles. A panel supplies its page, its breadcrumb,
// its snapshot and its own messages, each handler typed by its member of the panel's ToWebview union.
import type { CommonFromWebview, CommonToWebview } from '../../../src/shared/protocol/webviewProtocol';
import { keepFieldsNamed } from './accessibleNames';
import { canvasRgba } from './canvasExport';
import { mountGridPanel, PANEL_HEADER, type GridPanelLayout, type GridPanelShell } from './gridPanelShell';
import { connectToHost, type HostBridge, type MessageHandlers, type MessageOf, type TypedMessage } from './hostBridge';
import { StatusLine } from './statusLine';

/** The messages the skeleton answers by itself (the panel supplies what they need through PanelWiring). */
type SkeletonMessage = 'init' | 'requestSnapshot' | 'testOpenUnit';

export type InitMessage<ToWebview extends TypedMessage> = MessageOf<ToWebview, 'init'>;

/** What a snapshot shows: a canvas and what the tests read beside its pixels. */
export interface PanelPicture {
  canvas: HTMLCanvasElement;
  meta: Record<string, number | string>;
}

interface PanelSpecBase<State> {
  /** The breadcrumb for a state, e.g. `mnist_cnn › conv2`. */
  crumbs: (state: State) => string;
}

/** A grid panel (kernels, feature maps, top images): toolbar, status, hover line and virtualized grid. */
export interface GridPanelSpec<State> extends PanelSpecBase<State> {
  grid: GridPanelLayout;
}

/** Any other page: its markup under the header, holding an element with id "status". */
export interface PagePanelSpec<State> extends PanelSpecBase<State> {
  body: string;
}

export interface PanelWiring<ToWebview extends TypedMessage, State> {
  /** After the skeleton took init's state (saved) and backend (header): the rest of init is the panel's. */
  init?: (msg: InitMessage<ToWebview>, previous: State | undefined) => void;
  /** The picture a 'requestSnapshot' asks for (its `part` names another canvas than the main one). */
  snapshot: (request: MessageOf<ToWebview, 'requestSnapshot'>) => PanelPicture;
  /** Double-click the unit tile at this index of the grid in view order, as a user would. */
  openUnit: (index: number) => void;
  /** The panel's own messages; a 'loading' or 'error' handler runs after the status line shows the message. */
  messages: MessageHandlers<Exclude<ToWebview, { type: SkeletonMessage }>>;
}

export interface Panel<ToHost, ToWebview extends TypedMessage, State> {
  readonly host: HostBridge<ToHost, ToWebview, State>;
  readonly status: StatusLine;
  /** The state shown: from the last init, or the one saved before a window reload; undefined before either. */
  readonly state: State | undefined;
  /** Replaces the state: saved for a window reload, the breadcrumb redrawn. */
  setState(state: State): void;
  /** Routes the host's messages to the skeleton and the panel, then tells the host the webview is ready. */
  start(wiring: PanelWiring<ToWebview, State>): void;
}

export interface GridPanel<ToHost, ToWebview extends TypedMessage, State> extends Panel<ToHost, ToWebview, State> {
  readonly shell: GridPanelShell;
}

/**
 * Compile-time checks of a panel's protocol: both directions carry the common messages, and init carries the
 * panel's state and the backend. A protocol that does not gets a spec type no object satisfies.
 */
type ProtocolCheck<ToHost, ToWebview extends TypedMessage, State> = [CommonFromWebview] extends [ToHost]
  ? [CommonToWebview] extends [ToWebview]
    ? [InitMessage<ToWebview>] extends [{ state: State; backend: string }]
      ? unknown
      : { initMustCarryStateAndBackend: never }
    : { toWebviewMustIncludeCommonToWebview: never }
  : { toHostMustIncludeCommonFromWebview: never };

export function mountPanel<ToHost, ToWebview extends TypedMessage, State>(
  spec: GridPanelSpec<State> & ProtocolCheck<ToHost, ToWebview, State>,
): GridPanel<ToHost, ToWebview, State>;
export function mountPanel<ToHost, ToWebview extends TypedMessage, State>(
  spec: PagePanelSpec<State> & ProtocolCheck<ToHost, ToWebview, State>,
): Panel<ToHost, ToWebview, State>;
export function mountPanel<ToHost, ToWebview extends TypedMessage, State>(
  spec: (GridPanelSpec<State> | PagePanelSpec<State>) & ProtocolCheck<ToHost, ToWebview, State>,
): Panel<ToHost, ToWebview, State> | GridPanel<ToHost, ToWebview, State> {
  const host = connectToHost<ToHost, ToWebview, State>();
  // The checks above guarantee the common messages are members of ToHost.
  const postCommon = (msg: CommonFromWebview): void => host.post(msg as unknown as ToHost);
  let state = host.savedState();
  let shell: GridPanelShell | undefined;
  if ('grid' in spec) shell = mountGridPanel(spec.grid);
  else document.getElementById('app')!.innerHTML = `${PANEL_HEADER}${spec.body}`;
  const statusElement = document.getElementById('status');
  if (!statusElement) throw new Error('mountPanel: the page has no element with id "status"');
  const status = shell?.status ?? new StatusLine(statusElement);
  const crumbs = document.getElementById('crumbs')!;
  const renderCrumbs = (): void => {
    if (state) crumbs.textContent = spec.crumbs(state);
  };
  const setState = (next: State): void => {
    state = next;
    host.saveState(next);
    renderCrumbs();
  };

  const start = (wiring: PanelWiring<ToWebview, State>): void => {
    const own = new Map(Object.entries(wiring.messages) as [string, (m: ToWebview) => void][]);
    host.onMessage((msg) => {
      switch (msg.type) {
        case 'init': {
          const init = msg as InitMessage<ToWebview> & { state: State; backend: string };
          const previous = state;
          state = init.state;
          host.saveState(init.state);
          document.getElementById('backend')!.textContent = init.backend;
          wiring.init?.(init, previous);
          renderCrumbs();
          return;
        }
        case 'requestSnapshot': {
          const request = msg as MessageOf<ToWebview, 'requestSnapshot'> & { requestId: number };
          const { canvas, meta } = wiring.snapshot(request);
          postCommon({ type: 'snapshot', requestId: request.requestId, width: canvas.width, height: canvas.height, rgba: canvasRgba(canvas), meta });
          return;
        }
        case 'testOpenUnit':
          wiring.openUnit((msg as unknown as { index: number }).index);
          return;
        case 'loading':
          status.loading((msg as unknown as { message: string }).message);
          break;
        case 'error':
          status.error((msg as unknown as { message: string }).message);
          break;
      }
      own.get(msg.type)?.(msg);
    });
    renderCrumbs();
    keepFieldsNamed(document.getElementById('app')!);
    postCommon({ type: 'ready' });
  };

  // The overloads give a grid spec a GridPanel (shell set) and a page spec a Panel (no shell).
  return {
    host,
    status,
    shell: shell!,
    get state() {
      return state;
    },
    setState,
    start,
  };
}
