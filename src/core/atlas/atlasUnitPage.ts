// The atlas site's page of one unit: its feature visualizations at every seed, the diversity batch, the dataset's
// top images, statistics, the kernel and the strongest inputs. Each picture's alt says what the picture is and its
// caption the numbers, so neither repeats the other; a link to another unit names its layer too, so it reads
// right in a screen reader's list of links.
import type { AtlasLayerSummary, AtlasManifest, UnitRecord } from './atlasTypes';
import { escapeHtml } from '../../shared/escapeHtml';
import { BADGE_WEAK_HELP, badgeHelp } from '../../shared/unitProtocol';
import { atlasTitle, badge, sitePage } from './atlasPages';

/** `caption` is HTML (it may hold a badge); `alt` plain text. */
function fig(src: string, alt: string, caption: string, width: number): string {
  return `<figure><img class="px" src="${escapeHtml(src)}" width="${width}" alt="${escapeHtml(alt)}"><figcaption>${caption}</figcaption></figure>`;
}

/** `linkable(layerId, unit)`: whether that unit has a page in this site. */
export function unitPage(manifest: AtlasManifest, layer: AtlasLayerSummary, r: UnitRecord, linkable: (layerId: string, unit: number) => boolean): string {
  const dir = `../../units/${layer.slug}/${r.unit}/`;
  const name = `${layer.id} unit ${r.unit}`;
  const side = Math.max(112, Math.min(224, manifest.settings.size[1]));
  const seeds = r.actmax.map((a) => fig(dir + a.file, `Feature visualization of ${name}`, `seed ${a.seed}: activation ${a.activation}${a.seed === 0 ? ` ${badge(r)}` : ''}`, side)).join('\n');
  const diversity = r.diversity.length
    ? `<h2>Diversity batch</h2><p class="note">${r.diversity.length} images optimized together for this unit and pushed apart from each other (Lucid's diversity term).</p>${r.diversity.map((f, i) => fig(dir + f, `Diversity batch image of ${name}`, `${i + 1} of ${r.diversity.length}`, side)).join('\n')}`
    : '';
  const q = r.quality;
  const quality = `<p class="note">Activation ${q.activation}; under ${q.draws} random views ${q.transformed}${q.top1 !== null ? `; dataset top-1 ${q.top1}` : ''}. The badge: ${escapeHtml(badgeHelp(q.top1 !== null, 'atlas'))} ${BADGE_WEAK_HELP}</p>`;
  const top = r.topPicture
    ? `<h2>Dataset examples</h2><p class="note">The ${r.top.length} images that excite this unit most, as the model sees them with the unit's receptive field outlined, then those crops.</p><img class="px" src="${escapeHtml(dir + r.topPicture)}" alt="The top ${r.top.length} dataset images of ${escapeHtml(name)} with its receptive field outlined, then the crops (listed in the table below)"><table><tr><th scope="col">#</th><th scope="col">Image</th><th scope="col">Activation</th><th scope="col">At</th></tr>${r.top.map((t, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(t.file)}</td><td>${t.value}</td><td>(${t.x}, ${t.y})</td></tr>`).join('')}</table>`
    : '';
  const stats = r.stats ? `<h2>Statistics</h2><table><tr><th scope="row">Mean activation</th><td>${r.stats.mean}</td></tr><tr><th scope="row">Largest</th><td>${r.stats.max}</td></tr><tr><th scope="row">Fires on</th><td>${(r.stats.firing * 100).toFixed(1)}% of ${r.stats.images} images</td></tr></table>` : '';
  const kernel = r.kernel ? `<h2>Kernel</h2>${fig(dir + r.kernel, `Kernel of ${name}`, 'weights (filter-normalized)', 96)}` : '';
  const inputs = r.inputs && r.inputs.units.length
    ? `<h2>Strongest inputs</h2><p class="note">Units of ${escapeHtml(r.inputs.layerId ?? 'the previous layer')} with the largest weights into this one (L2 over the kernel window).</p><table><tr><th scope="col">Unit</th><th scope="col">Weight</th></tr>${r.inputs.units
        .map((i) => {
          const from = r.inputs!.layerId;
          const text = from ? `${from} unit ${i.unit}` : `input channel ${i.unit}`;
          const cell = from && linkable(from, i.unit) ? `<a href="../${escapeHtml(manifest.layers.find((l) => l.id === from)!.slug)}/${i.unit}.html">${escapeHtml(text)}</a>` : escapeHtml(text);
          return `<tr><td>${cell}</td><td>${i.weight}</td></tr>`;
        })
        .join('')}</table>`
    : '';
  const main = `<h1>${escapeHtml(name)}</h1>
<h2>Feature visualization</h2>
${seeds}
${quality}
${diversity}
${top}
${stats}
${kernel}
${inputs}`;
  return sitePage(`${name} — ${atlasTitle(manifest)}`, {
    crumbs: { links: [{ href: '../../index.html', text: atlasTitle(manifest) }, { href: `../../layer/${layer.slug}.html`, text: `layer ${layer.id}` }], current: `unit ${r.unit}` },
    main,
  });
}
