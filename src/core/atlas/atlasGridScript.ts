// The layer page's only script, inline (file:// pages fetch nothing). Without it the page still works: the grid is a
// list of links in index order, each in the Tab order, and the sort buttons and the keys hint stay hidden (a button
// that does nothing would be a trap). With it:
// - the sort buttons show, say which is on (aria-pressed) and what a sort did (a polite status line);
// - the grid takes one Tab stop (a roving tabindex, as the extension's panels do): the arrow keys move between units
//   (Up/Down by rows as laid out now), Home/End to a row's ends, Ctrl+Home/End to the first and last unit, Page
//   Up/Down a screenful of rows; Enter opens the unit's page, as on any link. After a sort the first unit of the new
//   order is the one Tab reaches.
// Plain ES5 in a string: it runs in the reader's browser, not here.
export const ATLAS_GRID_SCRIPT = `(function () {
  var grid = document.getElementById('grid'), status = document.getElementById('sort-status');
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button[data-sort]'));
  var said = { index: 'index', activation: 'activation, highest first', quality: 'quality (r), highest first' };
  function links() { return Array.prototype.slice.call(grid.querySelectorAll('a')); }
  function makeCurrent(a, focus) {
    links().forEach(function (o) { o.tabIndex = o === a ? 0 : -1; });
    if (focus) a.focus();
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-needs-script]'), function (e) { e.hidden = false; });
  if (links().length) makeCurrent(links()[0], false);
  buttons.forEach(function (b) {
    b.addEventListener('click', function () {
      var k = b.getAttribute('data-sort');
      var tiles = Array.prototype.slice.call(grid.children);
      tiles.sort(function (x, y) {
        var i = Number(x.getAttribute('data-index')) - Number(y.getAttribute('data-index'));
        if (k === 'index') return i;
        return (Number(y.getAttribute('data-' + k)) - Number(x.getAttribute('data-' + k))) || i;
      });
      tiles.forEach(function (t) { grid.appendChild(t); });
      buttons.forEach(function (o) { o.setAttribute('aria-pressed', String(o === b)); });
      if (links().length) makeCurrent(links()[0], false);
      status.textContent = 'Sorted by ' + said[k] + (tiles.length ? ': unit ' + tiles[0].getAttribute('data-index') + ' first.' : '.');
    });
  });
  function rows(list) {
    var out = [], top = null;
    list.forEach(function (a) {
      var t = a.parentNode.offsetTop;
      if (top === null || Math.abs(t - top) > 1) { out.push([]); top = t; }
      out[out.length - 1].push(a);
    });
    return out;
  }
  grid.addEventListener('focusin', function (e) {
    if (e.target.tagName === 'A' && e.target.tabIndex !== 0) makeCurrent(e.target, false);
  });
  grid.addEventListener('keydown', function (e) {
    if (e.altKey || e.shiftKey) return;
    var list = links(), i = list.indexOf(e.target);
    if (i < 0) return;
    var rs = rows(list), r = 0, x = e.target.parentNode.offsetLeft, to;
    rs.forEach(function (row, ri) { if (row.indexOf(e.target) >= 0) r = ri; });
    var page = Math.max(1, Math.floor(window.innerHeight / Math.max(1, e.target.parentNode.offsetHeight + 8)));
    function nearest(ri) {
      var row = rs[Math.max(0, Math.min(rs.length - 1, ri))], best = row[0];
      row.forEach(function (a) { if (Math.abs(a.parentNode.offsetLeft - x) < Math.abs(best.parentNode.offsetLeft - x)) best = a; });
      return best;
    }
    var ctrl = e.ctrlKey || e.metaKey;
    switch (e.key) {
      case 'ArrowRight': to = list[Math.min(list.length - 1, i + 1)]; break;
      case 'ArrowLeft': to = list[Math.max(0, i - 1)]; break;
      case 'ArrowDown': to = nearest(r + 1); break;
      case 'ArrowUp': to = nearest(r - 1); break;
      case 'PageDown': to = nearest(r + page); break;
      case 'PageUp': to = nearest(r - page); break;
      case 'Home': to = ctrl ? list[0] : rs[r][0]; break;
      case 'End': to = ctrl ? list[list.length - 1] : rs[r][rs[r].length - 1]; break;
      default: return;
    }
    e.preventDefault();
    makeCurrent(to, true);
  });
})();`;
