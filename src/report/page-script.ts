/**
 * The page's one inline script (its hash is in the CSP): opens a collapsed section when a link or the
 * URL points into it, and runs the sample browser. The browser reads the JSON data block and renders
 * rows lazily (100 at a time, more when the sentinel scrolls into view). Every string goes through
 * textContent, never innerHTML.
 */
export const PAGE_JS = `
(function () {
  function openTo(id) {
    var el = id && document.getElementById(id);
    if (!el) return;
    var inner = el.querySelector('details.section');
    if (inner) inner.open = true;
    for (var p = el; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
  }
  function fromHash() { openTo(decodeURIComponent(location.hash.slice(1))); }
  window.addEventListener('hashchange', fromHash);
  fromHash();
  document.documentElement.setAttribute('data-page-ready', '1');
})();
(function () {
  var block = document.getElementById('vlmbench-samples');
  if (!block) return;
  var data = JSON.parse(block.textContent);
  var S = data.strings;
  var body = document.getElementById('samples-body');
  var count = document.getElementById('samples-count');
  var moreBtn = document.getElementById('samples-more');
  var fModel = document.getElementById('f-model'), fSuite = document.getElementById('f-suite');
  var fVerdict = document.getElementById('f-verdict'), fText = document.getElementById('f-text');
  function fill(sel, names) {
    names.forEach(function (n, i) { var o = document.createElement('option'); o.value = String(i); o.textContent = n; sel.appendChild(o); });
  }
  fill(fModel, data.series); fill(fSuite, data.suites); fill(fVerdict, data.verdicts);
  function str(i) { return i === undefined || i < 0 ? '' : S[i]; }
  var filtered = [], shown = 0;
  function div(parent, text, cls) { var d = document.createElement('div'); d.textContent = text; if (cls) d.className = cls; parent.appendChild(d); return d; }
  function td(tr, text, cls) { var c = document.createElement('td'); if (cls) c.className = cls; div(c, text, 'clamp'); tr.appendChild(c); return c; }
  function row(r) {
    var tr = document.createElement('tr');
    var t = document.createElement('td'); t.className = 'thumb';
    if (r[8] >= 0) { var img = document.createElement('img'); img.alt = 'thumbnail'; img.src = data.thumbs[r[8]]; t.appendChild(img); }
    tr.appendChild(t);
    td(tr, data.series[r[0]] + '\\n' + data.suites[r[1]] + '\\n' + str(r[2]) + (r[10] ? ' #' + r[10] : ''));
    td(tr, str(r[3]));
    var a = td(tr, r[9] >= 0 ? str(r[9]) : str(r[4]), r[9] >= 0 ? 'v-error' : '');
    if (r[12] >= 0) div(a, 'judge review: ' + str(r[12]), 'review clamp');
    td(tr, str(r[5]));
    var v = data.verdicts[r[7]];
    var scoreText = r[11] >= 0 ? str(r[11]) : (r[6] === null ? '—' : String(Math.round(r[6] * 1000) / 1000));
    td(tr, scoreText + '\\n' + v, 'v-' + v);
    return tr;
  }
  function more() {
    var end = Math.min(filtered.length, shown + 100);
    var frag = document.createDocumentFragment();
    for (var i = shown; i < end; i++) frag.appendChild(row(filtered[i]));
    body.appendChild(frag);
    shown = end;
    moreBtn.hidden = shown >= filtered.length;
  }
  function apply() {
    var m = fModel.value, s = fSuite.value, v = fVerdict.value, q = fText.value.toLowerCase();
    filtered = data.rows.filter(function (r) {
      if (m !== '' && r[0] !== +m) return false;
      if (s !== '' && r[1] !== +s) return false;
      if (v !== '' && r[7] !== +v) return false;
      if (q && (str(r[3]) + '\\u0000' + str(r[4]) + '\\u0000' + str(r[2]) + '\\u0000' + str(r[5])).toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    body.textContent = ''; shown = 0;
    count.textContent = filtered.length + ' of ' + data.rows.length + ' samples' + (data.omitted ? ' (' + data.omitted + ' not embedded)' : '');
    more();
  }
  [fModel, fSuite, fVerdict].forEach(function (el) { el.addEventListener('change', apply); });
  var timer; fText.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
  moreBtn.addEventListener('click', more);
  if ('IntersectionObserver' in window) {
    new IntersectionObserver(function (es) { if (es[0].isIntersecting && shown < filtered.length) more(); }).observe(moreBtn);
  }
  apply();
  document.documentElement.setAttribute('data-samples-ready', String(data.rows.length));
})();
`;
