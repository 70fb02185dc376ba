/** Inline CSS and the small vanilla-JS sample browser of the report page (no CDN, works offline). */

export const REPORT_CSS = `
:root{--fg:#1d2125;--muted:#5f6b76;--line:#dde2e6;--bg:#fff;--alt:#f6f8fa;--bad:#b42318;--good:#067647;--warn:#b54708}
*{box-sizing:border-box}body{font-family:"DejaVu Sans",system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0;font-size:14px;line-height:1.45}
header{padding:18px 28px;border-bottom:1px solid var(--line);background:var(--alt)}header h1{margin:0 0 4px;font-size:21px}
nav{position:sticky;top:0;background:#fffffff2;border-bottom:1px solid var(--line);padding:6px 28px;z-index:2}nav a{margin-right:14px;color:#0b5cad;text-decoration:none}
main{padding:8px 28px 60px;max-width:1400px}section{margin-top:26px}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}h4{font-size:13px;margin:12px 0 4px;color:var(--muted)}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}th,td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}
th{background:var(--alt);position:sticky;top:34px}td .num,.num{font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:18px}.chart{border:1px solid var(--line);padding:8px;border-radius:4px;max-width:100%}
.chart svg{max-width:100%;height:auto;display:block}.chart .dl{font-size:12px;color:var(--muted)}.chart .dl a{margin-left:8px}
.bad{color:var(--bad);font-weight:bold}.good{color:var(--good);font-weight:bold}.warn{color:var(--warn)}.note,.src,.small{color:var(--muted);font-size:12px}
code.hash{font-size:11px;word-break:break-all}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:4px 0}dt{color:var(--muted)}dd{margin:0}
pre{background:var(--alt);padding:8px;overflow:auto;max-height:360px;font-size:12px}
.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:8px 0}.filters select,.filters input{font:inherit;padding:2px 4px}
table.samples{width:100%;table-layout:fixed}table.samples td{word-wrap:break-word;white-space:pre-wrap}table.samples th:nth-child(1){width:80px}table.samples th:nth-child(2){width:15%}table.samples th:nth-child(6){width:90px}
table.samples img{max-width:64px;max-height:64px;display:block}.v-right{color:var(--good)}.v-wrong,.v-error{color:var(--bad)}.v-partial{color:var(--warn)}
#samples-more{margin:10px 0}
`;

/**
 * Reads the JSON data block and renders rows lazily (100 at a time, more when the sentinel scrolls
 * into view). Every string goes through textContent, never innerHTML.
 */
export const SAMPLE_BROWSER_JS = `
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
  function str(i) { return i < 0 ? '' : S[i]; }
  var filtered = [], shown = 0;
  function td(tr, text, cls) { var c = document.createElement('td'); c.textContent = text; if (cls) c.className = cls; tr.appendChild(c); return c; }
  function row(r) {
    var tr = document.createElement('tr');
    var t = document.createElement('td'); t.className = 'thumb';
    if (r[8] >= 0) { var img = document.createElement('img'); img.alt = 'thumbnail'; img.loading = 'lazy'; img.src = data.thumbs[r[8]]; t.appendChild(img); }
    tr.appendChild(t);
    td(tr, data.series[r[0]] + '\\n' + data.suites[r[1]] + '\\n' + str(r[2]) + (r[10] ? ' #' + r[10] : ''));
    td(tr, str(r[3]));
    td(tr, r[9] >= 0 ? str(r[9]) : str(r[4]), r[9] >= 0 ? 'v-error' : '');
    td(tr, str(r[5]));
    td(tr, (r[6] === null ? '—' : String(Math.round(r[6] * 1000) / 1000)) + '\\n' + data.verdicts[r[7]], 'v-' + data.verdicts[r[7]]);
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
      if (q && (str(r[3]) + '\\u0000' + str(r[4]) + '\\u0000' + str(r[2])).toLowerCase().indexOf(q) < 0) return false;
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
