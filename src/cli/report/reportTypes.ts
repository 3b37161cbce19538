import type { LoadedModel } from '../../core/model/loadedModel';

/** What every report section gets: the model, where to write its images, and the report's sample images. */
export interface ReportContext {
  model: LoadedModel;
  modelPath: string;
  outDir: string;
  /** Image files the report uses as inputs (the model's samples/ folder by default). */
  images: string[];
  log(message: string): void;
}

/** A section writes its images into outDir and returns its HTML (a <section>). */
export type ReportSection = (ctx: ReportContext) => Promise<string>;
