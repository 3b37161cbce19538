// The report's HTML: one self-contained page, images as files beside it, theme that prints well.
import { escapeHtml } from '../../shared/escapeHtml';

export { escapeHtml };

/** Marks the page as a Layer Lens report, so a later run knows the folder is one it may replace. */
export const REPORT_GENERATOR = 'Layer Lens report';

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="${REPORT_GENERATOR}"><title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; } h3 { font-size: 15px; }
table { border-collapse: collapse; font-size: 13px; } td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
img.px { image-rendering: pixelated; border: 1px solid #ccc; background: #000; max-width: 100%; height: auto; }
figure { display: inline-block; margin: 6px 10px 12px 0; vertical-align: top; max-width: 100%; } figcaption { font-size: 12px; color: #555; }
.note { color: #666; font-size: 13px; }
.notice { background: #fff4e0; border-left: 4px solid #e0a030; padding: 6px 10px; font-size: 13px; }
.pending { color: #999; font-style: italic; }
</style></head><body>
${body}
</body></html>
`;
}

/**
 * One picture and its caption. `width`/`height` are the size it is shown at (a picture stored at 1 px a value is
 * drawn larger, pixelated); `href` links it to its full-size file, `title` is its tooltip.
 */
export function figure(src: string, caption: string, width?: number, more: { height?: number; href?: string; title?: string } = {}): string {
  const size = `${width ? ` width="${width}"` : ''}${more.height ? ` height="${more.height}"` : ''}`;
  const title = more.title ? ` title="${escapeHtml(more.title)}"` : '';
  // Lazy: a GoogLeNet report shows 784 pictures (65 MB); the browser fetches those near the view, not all at open.
  const img = `<img class="px" src="${escapeHtml(src)}"${size}${title} loading="lazy" alt="${escapeHtml(caption)}">`;
  const linked = more.href ? `<a href="${escapeHtml(more.href)}">${img}</a>` : img;
  const full = more.href ? ` · <a href="${escapeHtml(more.href)}">full size</a>` : '';
  return `<figure>${linked}<figcaption>${escapeHtml(caption)}${full}</figcaption></figure>`;
}

/** A part of the report that did not run, and why: `what` names the part, `why` is one sentence in our words. */
export function notice(what: string, why: string): string {
  return `<p class="notice"><strong>${escapeHtml(what)}</strong>: ${escapeHtml(why)}</p>`;
}
