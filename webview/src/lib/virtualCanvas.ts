// A canvas that shows a tall virtual picture: a spacer gives the scroller the picture's full size, and the
// canvas, kept at the viewport's height and moved to the scroll position, is repainted with what is in view.
// A panel with thousands of rows therefore draws only what fits on the screen.

export interface Viewport {
  /** Top of the viewport in picture coordinates. */
  top: number;
  height: number;
}

export class VirtualCanvas {
  private frame = 0;
  private width = 0;
  private height = 0;

  constructor(
    readonly scroller: HTMLElement,
    private readonly spacer: HTMLElement,
    readonly canvas: HTMLCanvasElement,
    private readonly paint: (ctx: CanvasRenderingContext2D, view: Viewport) => void,
  ) {
    scroller.addEventListener('scroll', () => this.scheduleDraw());
  }

  /** Sets the picture's full size and repaints. */
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.spacer.style.width = `${width}px`;
    this.spacer.style.height = `${height}px`;
    this.draw();
  }

  /** Nothing to show. */
  clear(): void {
    this.width = 0;
    this.height = 0;
    this.spacer.style.height = '0px';
    this.canvas.width = 0;
    this.canvas.height = 0;
  }

  /** Repaints on the next animation frame (many scroll events, one paint). */
  scheduleDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  draw(): void {
    if (this.height === 0) return;
    const top = this.scroller.scrollTop;
    const height = Math.min(this.height, Math.max(this.scroller.clientHeight, 1));
    this.canvas.width = Math.max(1, this.width);
    this.canvas.height = Math.max(1, height);
    this.canvas.style.top = `${top}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.paint(ctx, { top, height });
  }

  /** A mouse event's position in picture coordinates. */
  pointAt(e: MouseEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top + this.scroller.scrollTop };
  }
}
