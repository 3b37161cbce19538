import type { InputSpec } from '../../shared/model';
import type { LoadedModel } from '../../core/model/loadedModel';

/** What every report section gets: the model, where to write its images, the report's inputs and choices. */
export interface ReportContext {
  model: LoadedModel;
  modelPath: string;
  outDir: string;
  /** Image files the report uses as inputs (the model's samples/ folder by default, the first --images of them). */
  images: string[];
  /** Layer ids picked with --layers, in model order; undefined: each section's own default. */
  layers?: readonly string[];
  /** The backend the model runs on, as the report names it. */
  backend: string;
  /** Activation-maximization steps per image. */
  steps: number;
  /** --resize/--normalize: input settings over the sidecar and the defaults. */
  inputSettings?: Partial<InputSpec>;
  /**
   * Runs one part of a section (one layer, one image, one gallery). A failure becomes a notice in its place
   * that says why, and the report goes on.
   */
  part(what: string, run: () => Promise<string>): Promise<string>;
  /** Records that `what` failed with `err` and returns the notice that says why. */
  fail(what: string, err: unknown): string;
  /** A sample image the report passed over, and why (one sentence); listed in the report and on stderr. */
  skipImage(path: string, reason: string): void;
  log(message: string): void;
}

/** A section writes its images into outDir and returns its HTML (a <section>). */
export type ReportSection = (ctx: ReportContext) => Promise<string>;
