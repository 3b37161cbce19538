// A colour bar: the ramp a grid's tiles are coloured with, its low and high values at the ends, and a note on
// what the range is (the layer's, or each tile's own). Lives in the panel's toolbar row under the controls.
import { applyColormap, type ColormapName } from '../../../src/shared/colormap';
import { formatEnd, type ColorBarSpec } from './colorBarSpecs';


const RAMP_WIDTH = 128;
const RAMP_HEIGHT = 10;

export class ColorBar {
  readonly element = document.createElement('div');
  private readonly ramp = document.createElement('canvas');
  private readonly low = document.createElement('span');
  private readonly high = document.createElement('span');
  private readonly note = document.createElement('span');
  private colormap: ColormapName | undefined;

  constructor() {
    this.element.className = 'color-bar';
    this.element.id = 'colorBar';
    this.ramp.width = RAMP_WIDTH;
    this.ramp.height = RAMP_HEIGHT;
    this.ramp.className = 'color-bar-ramp';
    this.low.className = 'color-bar-low';
    this.high.className = 'color-bar-high';
    this.note.className = 'color-bar-note';
    this.element.append(this.low, this.ramp, this.high, this.note);
    this.element.hidden = true;
  }

  show(spec: ColorBarSpec): void {
    if (spec.colormap !== this.colormap) {
      const values = Float32Array.from({ length: RAMP_WIDTH }, (_, i) => i / (RAMP_WIDTH - 1));
      const row = applyColormap(values, spec.colormap, { min: 0, max: 1 });
      const image = new ImageData(RAMP_WIDTH, RAMP_HEIGHT);
      for (let y = 0; y < RAMP_HEIGHT; y++) image.data.set(row, y * RAMP_WIDTH * 4);
      this.ramp.getContext('2d')!.putImageData(image, 0, 0);
      this.colormap = spec.colormap;
    }
    this.low.textContent = spec.min === undefined ? 'min' : formatEnd(spec.min);
    this.high.textContent = spec.max === undefined ? 'max' : formatEnd(spec.max);
    this.note.textContent = spec.note;
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
  }

  /** "low … high · note": what the tests read back. */
  text(): string {
    return this.element.hidden ? '' : `${this.low.textContent} … ${this.high.textContent} · ${this.note.textContent}`;
  }
}
