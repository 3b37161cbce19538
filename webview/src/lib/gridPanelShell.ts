// The page every grid panel (kernels, feature maps, top images) is built on: breadcrumb header with the backend,
// a toolbar, the status line, a hover line, and the virtualized canvas grid with an optional side column. The
// canvas is hidden from screen readers: the panel's cells over it (lib/gridTiles.ts) speak for it.
import { StatusLine } from './statusLine';
import { VirtualCanvas, type Viewport } from './virtualCanvas';

export interface GridPanelShell {
  status: StatusLine;
  hover: HTMLElement;
  scroller: HTMLElement;
  canvas: HTMLCanvasElement;
  grid: VirtualCanvas;
}

export interface GridPanelLayout {
  /** The hover line's text before anything is hovered. */
  hoverHint: string;
  /** Extra markup between the status line and the hover line. */
  above?: string;
  /** Markup of the column beside the grid. */
  side?: string;
  /** Extra classes of the grid canvas. */
  canvasClass?: string;
  paint: (ctx: CanvasRenderingContext2D, view: Viewport) => void;
}

/**
 * Every panel's header: the breadcrumb (model › layer › …) and the backend in use. The breadcrumb is the page's
 * level-1 heading, where a screen reader's heading keys start (the Unit page's sections are level 2).
 */
export const PANEL_HEADER = '<header class="header"><span id="crumbs" class="crumbs" role="heading" aria-level="1"></span><span id="backend" class="backend"></span></header>';

export function mountGridPanel(layout: GridPanelLayout): GridPanelShell {
  const app = document.getElementById('app')!;
  app.classList.add('fill-page');
  app.innerHTML = `
  ${PANEL_HEADER}
  <div id="toolbar" class="toolbar"></div>
  <div id="status" class="status" hidden></div>
  ${layout.above ?? ''}
  <div id="hover" class="hover"></div>
  <div class="body">
    <div id="scroller" class="scroller"><div id="spacer" class="spacer"></div><canvas id="grid" class="grid-canvas ${layout.canvasClass ?? ''}" aria-hidden="true"></canvas></div>
    ${layout.side ?? ''}
  </div>`;
  const hover = document.getElementById('hover')!;
  hover.textContent = layout.hoverHint;
  const scroller = document.getElementById('scroller')!;
  const canvas = document.getElementById('grid') as HTMLCanvasElement;
  return {
    status: new StatusLine(document.getElementById('status')!),
    hover,
    scroller,
    canvas,
    grid: new VirtualCanvas(scroller, document.getElementById('spacer')!, canvas, layout.paint),
  };
}
