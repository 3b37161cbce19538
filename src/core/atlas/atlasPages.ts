// The atlas site's HTML: index (model summary, layers) → a page per layer (a sortable grid of every unit) → a page
// per unit (atlasUnitPage.ts). Static files that work from file:// — relative links, no server, no CDN, one small
// inline script — and that a keyboard and a screen reader use as well as a mouse: a language and a title per page,
// a skip link, a named breadcrumb and one main landmark, headings in order, every unit named once (its link's label
// says the unit, its layer, its activation and its badge; the picture and the visible lines under it are not read
// again), the badge's meaning written on the page rather than only in its hover line, a visible focus ring.
import type { AtlasLayerSummary, AtlasManifest, UnitRecord } from './atlasTypes';
import { escapeHtml } from '../../shared/escapeHtml';
import { BADGE_WEAK_HELP, badgeHelp, unitBadge } from '../../shared/unitProtocol';
import { ATLAS_STYLE } from './atlasSiteStyle';
import { ATLAS_GRID_SCRIPT } from './atlasGridScript';

export interface SitePageParts {
  /** The breadcrumb: links (relative href, text) from the index down, then the current page's own name. */
  crumbs?: { links: { href: string; text: string }[]; current: string };
  main: string;
  script?: string;
}

export function sitePage(title: string, parts: SitePageParts): string {
  const nav = parts.crumbs
    ? `<a class="skip" href="#main">Skip to the content</a>
<nav aria-label="Breadcrumb"><ol class="crumbs">${parts.crumbs.links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></li>`).join('')}<li aria-current="page">${escapeHtml(parts.crumbs.current)}</li></ol></nav>
`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="Layer Lens atlas"><title>${escapeHtml(title)}</title>
<style>
${ATLAS_STYLE}
</style></head><body>
${nav}<main id="main" tabindex="-1">
${parts.main}
</main>${parts.script ? `\n<script>\n${parts.script}\n</script>` : ''}
</body></html>
`;
}

/** A unit's badge (src/shared's, as the Unit panel shows it) with the atlas's help text as its hover line. */
export function badge(r: UnitRecord): string {
  const { text, weak } = unitBadge(r);
  return `<span class="badge${weak ? ' weak' : ''}" title="${escapeHtml(badgeHelp(r.quality.top1 !== null, 'atlas'))}">${escapeHtml(text)}${weak ? '<span class="sr-only"> (low r)</span>' : ''}</span>`;
}

/** The badge as a screen reader should say it: no "×" read as "times", and the weak mark in words. */
function badgeWords(r: UnitRecord): string {
  const { q, r: robust, weak } = unitBadge(r);
  const words = (v: number | null): string => (v === null ? 'not measured' : v.toFixed(2));
  // q is said wherever the badge shows it: whenever the unit has a dataset top-1, even one it cannot be a share of.
  return `${r.quality.top1 !== null ? `q ${words(q)}, ` : ''}r ${words(robust)}${weak ? ' (low)' : ''}`;
}

/** A value in three significant digits: enough to compare tiles, short enough for one under a 112 px picture. */
export function shortValue(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v);
}

export function shapeText(shape: (number | null)[]): string {
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

export function atlasTitle(manifest: AtlasManifest): string {
  return `Atlas of ${manifest.model.name}`;
}

export function indexPage(manifest: AtlasManifest, computed: Map<string, UnitRecord[]>): string {
  const { model, settings } = manifest;
  const rows = manifest.layers
    .map((l) => {
      const n = computed.get(l.id)?.length ?? 0;
      return `<tr><th scope="row"><a href="layer/${escapeHtml(l.slug)}.html">${escapeHtml(l.id)}</a></th><td>${escapeHtml(l.className)}</td><td>${escapeHtml(shapeText(l.outputShape))}</td><td>${n} of ${l.units}${l.units < l.channels ? ` (the first ${l.units} of ${l.channels} channels)` : ''}</td></tr>`;
    })
    .join('\n');
  const data = settings.images > 0 ? `${settings.images} images, top ${settings.k} per unit` : 'none (an images folder, --images DIR or Build Atlas\'s dataset choice, adds dataset examples and the q badge)';
  const main = `<h1>${escapeHtml(atlasTitle(manifest))}</h1>
<table>
<tr><th scope="row">Model</th><td>${escapeHtml(model.name)} (${escapeHtml(model.format)}), input ${escapeHtml(shapeText(model.inputShape))}, ${model.paramCount.toLocaleString('en-US')} parameters, ${model.layerCount} layers</td></tr>
<tr><th scope="row">Feature visualization</th><td>preset ${escapeHtml(settings.preset)}, ${settings.steps} steps, ${settings.seeds} seed${settings.seeds === 1 ? '' : 's'}${settings.diversity > 1 ? `, diversity batch of ${settings.diversity}` : ''}, ${settings.size[1]}×${settings.size[0]} px, units optimized in batches of up to ${settings.batch}</td></tr>
<tr><th scope="row">Dataset</th><td>${escapeHtml(data)}</td></tr>
</table>
<h2 id="layers">Layers</h2>
<table aria-labelledby="layers"><tr><th scope="col">Layer</th><th scope="col">Type</th><th scope="col">Output</th><th scope="col">Units drawn</th></tr>
${rows}
</table>
<p class="note">The machine-readable index of everything here is <a href="atlas.json">atlas.json</a>.</p>`;
  return sitePage(atlasTitle(manifest), { main });
}

function layerTile(layer: AtlasLayerSummary, u: number, r: UnitRecord | undefined): string {
  if (!r) {
    return `<li class="tile" data-index="${u}" data-activation="-1" data-quality="-1"><div class="missing" aria-hidden="true">not computed</div>unit ${u}<span class="sr-only">: not computed</span></li>`;
  }
  const robust = unitBadge(r).r ?? -1;
  const activation = shortValue(r.quality.activation);
  const picture = r.actmax[0] ? `<img class="px" src="../units/${escapeHtml(layer.slug)}/${u}/${escapeHtml(r.actmax[0].file)}" alt="">` : '<div class="missing">no image</div>';
  // One name, said once: the label; what is drawn inside the link is for the eye only.
  const label = `unit ${u} of ${layer.id}${r.actmax[0] ? '' : ' (no image)'}: activation ${activation}, ${badgeWords(r)}`;
  return `<li class="tile" data-index="${u}" data-activation="${r.quality.activation}" data-quality="${robust}"><a href="../unit/${escapeHtml(layer.slug)}/${u}.html" aria-label="${escapeHtml(label)}">${picture}<span aria-hidden="true"><span class="name">unit ${u}</span> · act ${escapeHtml(activation)}<br>${badge(r)}</span></a></li>`;
}

export function layerPage(manifest: AtlasManifest, layer: AtlasLayerSummary, records: UnitRecord[]): string {
  const byUnit = new Map(records.map((r) => [r.unit, r]));
  const tiles: string[] = [];
  for (let u = 0; u < layer.units; u++) tiles.push(layerTile(layer, u, byUnit.get(u)));
  // The help of the badges shown: q and r, or r alone where the units have no dataset top-1 to compare with.
  const withData = records.length ? records.some((r) => r.quality.top1 !== null) : manifest.settings.images > 0;
  const main = `<h1>${escapeHtml(layer.id)}</h1>
<p class="note">${escapeHtml(layer.className)}, output ${escapeHtml(shapeText(layer.outputShape))}; ${records.length} of ${layer.units} units drawn${layer.units < layer.channels ? ` (the first ${layer.units} of ${layer.channels} channels)` : ''}. Each image is optimized to excite one unit (seed 0); under it, the unit, its activation (act) and its quality badge.</p>
<h2 id="units">Units</h2>
<p class="note" id="badge-help">The badge: ${escapeHtml(badgeHelp(withData, 'atlas'))} ${BADGE_WEAK_HELP}</p>
<div class="sort" role="group" aria-labelledby="sort-label" data-needs-script hidden><span id="sort-label">Sort the units by</span><button type="button" data-sort="index" aria-pressed="true">index</button><button type="button" data-sort="activation" aria-pressed="false">activation</button><button type="button" data-sort="quality" aria-pressed="false">quality (r)</button></div>
<p class="note" data-needs-script hidden>In the grid, the arrow keys move between units, Home and End to a row's ends, Ctrl+Home and Ctrl+End to the first and last unit; Enter opens a unit's page.</p>
<p class="note" id="sort-status" role="status"></p>
<ol class="grid" id="grid" aria-labelledby="units">
${tiles.join('\n')}
</ol>`;
  return sitePage(`${layer.id} — ${atlasTitle(manifest)}`, {
    crumbs: { links: [{ href: '../index.html', text: atlasTitle(manifest) }], current: `layer ${layer.id}` },
    main,
    script: ATLAS_GRID_SCRIPT,
  });
}
