// The detail of one channel: its map upscaled over the input image the model saw, with an opacity slider,
// next to its numbers. Drawn on a canvas the size of the input (at least 256 px on the long side).
import type { FeatureMapsOpenResult } from '../../../src/shared/featureMapsProtocol';
import { describeChannel } from './channelOrder';
import type { MapScratch, MapsView } from './drawMaps';

export interface DetailCallbacks {
  onOpacity(opacity: number): void;
  onClose(): void;
  onExport(canvas: HTMLCanvasElement, channel: number): void;
}

export class DetailView {
  private readonly canvas = document.createElement('canvas');
  private readonly text = document.createElement('p');
  private readonly slider = document.createElement('input');
  private readonly inputCanvas = document.createElement('canvas');
  private channel = -1;
  private view: MapsView | undefined;
  private summary: FeatureMapsOpenResult | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly scratch: MapScratch,
    private opacity: number,
    callbacks: DetailCallbacks,
  ) {
    this.canvas.id = 'detailCanvas';
    this.canvas.className = 'fm-detail-canvas';
    this.slider.type = 'range';
    this.slider.id = 'opacity';
    this.slider.min = '0';
    this.slider.max = '100';
    this.slider.value = String(Math.round(opacity * 100));
    this.slider.addEventListener('input', () => {
      this.opacity = Number(this.slider.value) / 100;
      this.draw();
      callbacks.onOpacity(this.opacity);
    });
    const sliderLabel = document.createElement('label');
    sliderLabel.className = 'control';
    sliderLabel.append('Map opacity ', this.slider);
    const close = document.createElement('vscode-button');
    close.textContent = 'Close';
    close.setAttribute('secondary', '');
    close.addEventListener('click', () => callbacks.onClose());
    const exportButton = document.createElement('vscode-button');
    exportButton.textContent = 'Export PNG';
    exportButton.setAttribute('secondary', '');
    exportButton.addEventListener('click', () => callbacks.onExport(this.canvas, this.channel));
    const buttons = document.createElement('div');
    buttons.className = 'fm-buttons';
    buttons.append(exportButton, close);
    this.root.replaceChildren(this.canvas, sliderLabel, this.text, buttons);
  }

  get shownChannel(): number {
    return this.root.hidden ? -1 : this.channel;
  }

  show(summary: FeatureMapsOpenResult, view: MapsView, channel: number): void {
    this.summary = summary;
    this.view = view;
    this.channel = channel;
    const { width, height, rgba } = summary.input;
    this.inputCanvas.width = width;
    this.inputCanvas.height = height;
    this.inputCanvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
    const scale = Math.max(1, Math.ceil(256 / Math.max(width, height)));
    this.canvas.width = width * scale;
    this.canvas.height = height * scale;
    this.text.textContent = describeChannel(view.stats, channel);
    this.root.hidden = false;
    this.draw();
  }

  hide(): void {
    this.root.hidden = true;
    this.channel = -1;
  }

  private draw(): void {
    if (!this.view || !this.summary || this.channel < 0) return;
    const ctx = this.canvas.getContext('2d')!;
    ctx.globalAlpha = 1;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.inputCanvas, 0, 0, this.canvas.width, this.canvas.height);
    // The map covers the whole input (what a conv layer's output spans); smoothing shows its coarse grid as a heat map.
    ctx.imageSmoothingEnabled = true;
    ctx.globalAlpha = this.opacity;
    const { width, height } = this.view.geometry;
    ctx.drawImage(this.scratch.paint(this.view, this.channel), 0, 0, width, height, 0, 0, this.canvas.width, this.canvas.height);
    ctx.globalAlpha = 1;
  }
}
