// The atlas site's HTML: index (model summary, layers) → a page per layer (a sortable grid of every unit) → a page
// per unit. Static files that work from file:// — relative links, no server, no CDN, one small inline script.
import type { AtlasLayerSummary, AtlasManifest, UnitRecord } from './atlasTypes';
import { qualityRatio } from './unitQuality';
import { escapeHtml } from '../../shared/escapeHtml';

export const BADGE_HELP =
  'q: this image\'s activation (max over positions) as a share of the dataset\'s top-1 image; r: the same under random jitter, scale and rotation — a low r means it excites the unit only in one exact alignment.';
const BADGE_HELP_NO_DATA = 'r: this image\'s activation under random jitter, scale and rotation as a share of its own — a low r means it excites the unit only in one exact alignment (an atlas built with an images folder adds q, the share of the dataset\'s top-1).';

const STYLE = `body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #222; background: #fff; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
a { color: #1a5fb4; } table { border-collapse: collapse; font-size: 13px; } td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
img.px { image-rendering: pixelated; border: 1px solid #ccc; background: #000; }
.grid { display: flex; flex-wrap: wrap; gap: 8px; } .tile { display: block; width: 116px; text-decoration: none; color: #222; font-size: 12px; }
.tile img { width: 112px; height: 112px; display: block; } .missing { width: 112px; height: 112px; background: #eee; display: flex; align-items: center; justify-content: center; color: #888; }
.badge { display: inline-block; padding: 0 4px; border-radius: 3px; font-size: 11px; background: #e8f4e8; color: #205020; cursor: help; }
.badge.weak { background: #fbeaea; color: #802020; } .note { color: #666; font-size: 13px; }
figure { display: inline-block; margin: 6px 10px 12px 0; vertical-align: top; } figcaption { font-size: 12px; color: #555; }
.sort button { margin-right: 6px; } nav { font-size: 13px; margin-bottom: 8px; }`;

const SORT_SCRIPT = `document.querySelectorAll('button[data-sort]').forEach(function (b) {
  b.addEventListener('click', function () {
    var k = b.getAttribute('data-sort'), g = document.getElementById('grid');
    var tiles = Array.prototype.slice.call(g.children);
    tiles.sort(function (x, y) {
      var i = Number(x.getAttribute('data-index')) - Number(y.getAttribute('data-index'));
      if (k === 'index') return i;
      return (Number(y.getAttribute('data-' + k)) - Number(x.getAttribute('data-' + k))) || i;
    });
    tiles.forEach(function (t) { g.appendChild(t); });
  });
});`;

export function sitePage(title: string, body: string, script = ''): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="Layer Lens atlas"><title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style></head><body>
${body}${script ? `\n<script>\n${script}\n</script>` : ''}
</body></html>
`;
}

/** The two ratios of a unit's badge: q against the dataset's top-1 (null without top-k), r under random views. */
export function badgeRatios(r: UnitRecord): { q: number | null; r: number | null } {
  const top1 = r.quality.top1;
  return top1 !== null
    ? { q: qualityRatio(r.quality.activation, top1), r: qualityRatio(r.quality.transformed, top1) }
    : { q: null, r: qualityRatio(r.quality.transformed, r.quality.activation) };
}

function ratioText(v: number | null): string {
  return v === null ? '–' : `${v.toFixed(2)}×`;
}

export function badge(r: UnitRecord): string {
  const { q, r: robust } = badgeRatios(r);
  const weak = robust === null || robust < 0.5;
  const text = q !== null ? `q ${ratioText(q)} · r ${ratioText(robust)}` : `r ${ratioText(robust)}`;
  return `<span class="badge${weak ? ' weak' : ''}" title="${escapeHtml(r.quality.top1 !== null ? BADGE_HELP : BADGE_HELP_NO_DATA)}">${escapeHtml(text)}</span>`;
}

function shapeText(shape: (number | null)[]): string {
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

export function indexPage(manifest: AtlasManifest, computed: Map<string, UnitRecord[]>): string {
  const { model, settings } = manifest;
  const rows = manifest.layers
    .map((l) => {
      const n = computed.get(l.id)?.length ?? 0;
      return `<tr><td><a href="layer/${escapeHtml(l.slug)}.html">${escapeHtml(l.id)}</a></td><td>${escapeHtml(l.className)}</td><td>${escapeHtml(shapeText(l.outputShape))}</td><td>${n} of ${l.units}${l.units < l.channels ? ` (the first ${l.units} of ${l.channels} channels)` : ''}</td></tr>`;
    })
    .join('\n');
  const data = settings.images > 0 ? `${settings.images} images, top ${settings.k} per unit` : 'none (an images folder, --images DIR or Build Atlas\'s dataset choice, adds dataset examples and the q badge)';
  const body = `<h1>Atlas of ${escapeHtml(model.name)}</h1>
<table>
<tr><th>Model</th><td>${escapeHtml(model.name)} (${escapeHtml(model.format)}), input ${escapeHtml(shapeText(model.inputShape))}, ${model.paramCount.toLocaleString('en-US')} parameters, ${model.layerCount} layers</td></tr>
<tr><th>Feature visualization</th><td>preset ${escapeHtml(settings.preset)}, ${settings.steps} steps, ${settings.seeds} seed${settings.seeds === 1 ? '' : 's'}${settings.diversity > 1 ? `, diversity batch of ${settings.diversity}` : ''}, ${settings.size[1]}×${settings.size[0]} px, units optimized in batches of up to ${settings.batch}</td></tr>
<tr><th>Dataset</th><td>${escapeHtml(data)}</td></tr>
</table>
<h2>Layers</h2>
<table><tr><th>Layer</th><th>Type</th><th>Output</th><th>Units drawn</th></tr>
${rows}
</table>
<p class="note">The machine-readable index of everything here is <a href="atlas.json">atlas.json</a>.</p>`;
  return sitePage(`Atlas of ${model.name}`, body);
}

export function layerPage(manifest: AtlasManifest, layer: AtlasLayerSummary, records: UnitRecord[]): string {
  const byUnit = new Map(records.map((r) => [r.unit, r]));
  const tiles: string[] = [];
  for (let u = 0; u < layer.units; u++) {
    const r = byUnit.get(u);
    if (!r) {
      tiles.push(`<div class="tile" data-index="${u}" data-activation="-1" data-quality="-1"><div class="missing">not computed</div>unit ${u}</div>`);
      continue;
    }
    const robust = badgeRatios(r).r ?? -1;
    const img = r.actmax[0] ? `<img class="px" src="../units/${escapeHtml(layer.slug)}/${u}/${escapeHtml(r.actmax[0].file)}" alt="unit ${u}">` : '<div class="missing">no image</div>';
    tiles.push(`<a class="tile" href="../unit/${escapeHtml(layer.slug)}/${u}.html" data-index="${u}" data-activation="${r.quality.activation}" data-quality="${robust}">${img}unit ${u} ${badge(r)}</a>`);
  }
  const body = `<nav><a href="../index.html">${escapeHtml(manifest.model.name)}</a> › ${escapeHtml(layer.id)}</nav>
<h1>${escapeHtml(layer.id)}</h1>
<p class="note">${escapeHtml(layer.className)}, output ${escapeHtml(shapeText(layer.outputShape))}; ${records.length} of ${layer.units} units drawn${layer.units < layer.channels ? ` (the first ${layer.units} of ${layer.channels} channels)` : ''}. Each image is optimized to excite one unit (seed 0). ${escapeHtml(BADGE_HELP)}</p>
<p class="sort">Sort by <button data-sort="index">index</button><button data-sort="activation">activation</button><button data-sort="quality">quality (r)</button></p>
<div class="grid" id="grid">
${tiles.join('\n')}
</div>`;
  return sitePage(`${layer.id} — atlas of ${manifest.model.name}`, body, SORT_SCRIPT);
}

function fig(src: string, caption: string, width: number): string {
  return `<figure><img class="px" src="${escapeHtml(src)}" width="${width}" alt="${escapeHtml(caption)}"><figcaption>${caption}</figcaption></figure>`;
}

/** `linkable(layerId, unit)`: whether that unit has a page in this site. */
export function unitPage(manifest: AtlasManifest, layer: AtlasLayerSummary, r: UnitRecord, linkable: (layerId: string, unit: number) => boolean): string {
  const dir = `../../units/${layer.slug}/${r.unit}/`;
  const side = Math.max(112, Math.min(224, manifest.settings.size[1]));
  const seeds = r.actmax.map((a) => fig(dir + a.file, `seed ${a.seed}: activation ${a.activation}${a.seed === 0 ? ` ${badge(r)}` : ''}`, side)).join('\n');
  const diversity = r.diversity.length ? `<h2>Diversity batch</h2><p class="note">${r.diversity.length} images optimized together for this unit and pushed apart from each other (Lucid's diversity term).</p>${r.diversity.map((f, i) => fig(dir + f, `#${i}`, side)).join('\n')}` : '';
  const q = r.quality;
  const quality = `<p class="note">Activation ${q.activation}; under ${q.draws} random views ${q.transformed}${q.top1 !== null ? `; dataset top-1 ${q.top1}` : ''}. ${escapeHtml(q.top1 !== null ? BADGE_HELP : BADGE_HELP_NO_DATA)}</p>`;
  const top = r.topPicture
    ? `<h2>Dataset examples</h2><p class="note">The ${r.top.length} images that excite this unit most, as the model sees them with the unit's receptive field outlined, then those crops.</p><img class="px" src="${escapeHtml(dir + r.topPicture)}" alt="top images"><table><tr><th>#</th><th>Image</th><th>Activation</th><th>At</th></tr>${r.top.map((t, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(t.file)}</td><td>${t.value}</td><td>(${t.x}, ${t.y})</td></tr>`).join('')}</table>`
    : '';
  const stats = r.stats ? `<h2>Statistics</h2><table><tr><th>Mean activation</th><td>${r.stats.mean}</td></tr><tr><th>Largest</th><td>${r.stats.max}</td></tr><tr><th>Fires on</th><td>${(r.stats.firing * 100).toFixed(1)}% of ${r.stats.images} images</td></tr></table>` : '';
  const kernel = r.kernel ? `<h2>Kernel</h2>${fig(dir + r.kernel, 'weights (filter-normalized)', 96)}` : '';
  const inputs = r.inputs && r.inputs.units.length
    ? `<h2>Strongest inputs</h2><p class="note">Units of ${escapeHtml(r.inputs.layerId ?? 'the previous layer')} with the largest weights into this one (L2 over the kernel window).</p><table><tr><th>Unit</th><th>Weight</th></tr>${r.inputs.units
        .map((i) => {
          const from = r.inputs!.layerId;
          const name = from && linkable(from, i.unit) ? `<a href="../${escapeHtml(manifest.layers.find((l) => l.id === from)!.slug)}/${i.unit}.html">${escapeHtml(from)} ${i.unit}</a>` : escapeHtml(`${from ?? 'input'} ${i.unit}`);
          return `<tr><td>${name}</td><td>${i.weight}</td></tr>`;
        })
        .join('')}</table>`
    : '';
  const body = `<nav><a href="../../index.html">${escapeHtml(manifest.model.name)}</a> › <a href="../../layer/${escapeHtml(layer.slug)}.html">${escapeHtml(layer.id)}</a> › unit ${r.unit}</nav>
<h1>${escapeHtml(layer.id)} unit ${r.unit}</h1>
<h2>Feature visualization</h2>
${seeds}
${quality}
${diversity}
${top}
${stats}
${kernel}
${inputs}`;
  return sitePage(`${layer.id} unit ${r.unit} — atlas of ${manifest.model.name}`, body);
}
