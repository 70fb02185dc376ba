/** Inline CSS of the report page (no CDN, works offline); the script is in page-script.ts. */

export const REPORT_CSS = `
:root{--fg:#1d2125;--muted:#5f6b76;--line:#dde2e6;--bg:#fff;--alt:#f6f8fa;--bad:#b42318;--good:#067647;--warn:#b54708}
*{box-sizing:border-box}body{font-family:"DejaVu Sans",system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0;font-size:14px;line-height:1.45}
header{padding:18px 28px;border-bottom:1px solid var(--line);background:var(--alt)}header h1{margin:0 0 4px;font-size:21px}
nav{position:sticky;top:0;background:#fffffff2;border-bottom:1px solid var(--line);padding:6px 28px;z-index:2}nav a{margin-right:14px;color:#0b5cad;text-decoration:none}
main{padding:8px 28px 60px;max-width:1400px}section{margin-top:26px}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}h4{font-size:13px;margin:12px 0 4px;color:var(--muted)}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}th,td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}
th{background:var(--alt)}thead th{position:sticky;top:34px}table.pivot thead th,table.grid thead th{position:static}td .num,.num{font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:18px}.chart{border:1px solid var(--line);padding:8px;border-radius:4px;max-width:100%}
.chart svg{max-width:100%;height:auto;display:block}.chart .dl{font-size:12px;color:var(--muted)}.chart .dl a{margin-left:8px}
.bad{color:var(--bad);font-weight:bold}.good{color:var(--good);font-weight:bold}.warn{color:var(--warn)}.note,.src,.small{color:var(--muted);font-size:12px}
code.hash{font-size:11px;word-break:break-all}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:4px 0}dt{color:var(--muted)}dd{margin:0}
pre{background:var(--alt);padding:8px;overflow:auto;max-height:360px;font-size:12px}
.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:8px 0}.filters select,.filters input{font:inherit;padding:2px 4px}
table.samples{width:100%;table-layout:fixed}table.samples td{word-wrap:break-word;white-space:pre-wrap}table.samples th:nth-child(1){width:80px}table.samples th:nth-child(2){width:15%}table.samples th:nth-child(6){width:170px}
table.samples img{max-width:72px;max-height:72px;display:block}.v-right{color:var(--good)}.v-wrong,.v-error{color:var(--bad)}.v-partial{color:var(--warn)}
#samples-more{margin:10px 0}
details.section>summary{cursor:pointer;list-style:none}details.section>summary::-webkit-details-marker{display:none}
details.section>summary h2{display:inline-block;margin:0;border:0}details.section>summary::before{content:"▸ ";color:var(--muted)}details.section[open]>summary::before{content:"▾ "}
section{margin-top:14px;border-bottom:1px solid var(--line);padding-bottom:6px}
.first{display:flex;gap:18px;align-items:flex-start;flex-wrap:wrap}.first-table{flex:1 1 560px;min-width:0;overflow-x:auto}.first-chart{flex:0 1 470px;min-width:0}
.first-chart .chart{border:0;padding:0}.first-chart svg{max-width:100%}
table.pivot{font-size:13px}table.pivot td,table.pivot th{padding:3px 6px}table.pivot td{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}table.pivot th{text-align:center}table.pivot.wide{font-size:12px}table.pivot.wide td,table.pivot.wide th{padding:2px 4px}table.pivot.wide thead th{font-size:11px;vertical-align:bottom}table.pivot.wide th.name{max-width:180px}
th.name{text-align:left!important;font-weight:normal;max-width:240px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;background:none}
table.pivot td.best{font-weight:bold;background:#e7f5ec}table.pivot td.invalid{color:var(--warn)}.flag{display:block;font-size:10px;color:var(--bad);font-weight:normal}
tr.pub td,tr.pub th,th.pubname{color:#8a939b}tr.pub-head th{background:none;color:var(--muted);font-weight:normal;font-size:11px;text-align:left;border-left:0;border-right:0}
.sep{border-left:2px solid #aab4bd!important}.unit{font-weight:normal;font-size:11px;color:var(--muted)}
table.grid td{font-variant-numeric:tabular-nums}table.grid th{text-align:center}table.grid td.reason{max-width:520px;font-size:12px;color:var(--muted)}
ul.verdicts{margin:6px 0;padding-left:18px}ul.verdicts li{margin:2px 0}ul.notes{margin:4px 0 10px;padding-left:18px;font-size:12px;color:var(--muted)}
details.suite{margin:4px 0;border:1px solid var(--line);border-radius:4px;padding:4px 8px}details.suite>summary{cursor:pointer}
.legend{max-width:760px}tr.invalid-row td{color:var(--warn)}
.clamp{max-height:9.5em;overflow:auto}.review{margin-top:4px;font-size:12px;color:var(--muted);border-top:1px dashed var(--line);padding-top:2px}
.v-judged{color:#0b5cad}.v-measured{color:var(--muted)}
`;
