"""The HTML report's inline stylesheet and script: small, dependency-free, allowed by its CSP."""

from __future__ import annotations

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

CSS = """
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#fff; --soft:#f6f8fa; --accent:#0969da;
  --platform:#4e79a7; --network:#b07aa1; --ca_account:#e15759; --ca_config:#edc948;
  --ca_service:#f28e2b; --requester:#59a14f; --unknown:#9c9c9c; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  color:var(--fg); background:var(--soft); }
main { max-width:1400px; margin:0 auto; padding:24px 28px 48px; }
h1 { font-size:24px; margin:0 0 4px; } h2 { font-size:18px; margin:0 0 12px; }
h3 { font-size:15px; margin:16px 0 6px; }
section { background:var(--bg); border:1px solid var(--line); border-radius:10px; padding:18px 20px;
  margin:16px 0; }
.meta { color:var(--muted); margin:0; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:12px;
  background:none; border:0; padding:0; }
.card { background:var(--bg); border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.card b { display:block; font-size:26px; line-height:1.2; } .card span { color:var(--muted); }
.card.bad b { color:#cf222e; } .card.good b { color:#1a7f37; }
.sides { display:grid; grid-template-columns:minmax(280px,2fr) 60px 3fr; gap:6px 12px;
  align-items:center; }
.bar { height:12px; border-radius:6px; background:var(--accent); min-width:4px; }
.side-dot { display:inline-block; width:10px; height:10px; border-radius:50%; margin-right:6px; }
.charts { display:flex; flex-wrap:wrap; gap:16px; }
figure { margin:0; padding:8px; border:1px solid var(--line); border-radius:8px;
  overflow-x:auto; max-width:100%; }
figcaption { color:var(--muted); font-size:12px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line);
  vertical-align:top; }
th { background:var(--soft); position:sticky; top:0; font-weight:600; white-space:nowrap; }
#orders-table th { cursor:pointer; user-select:none; }
#orders-table th::after { content:" ↕"; color:var(--muted); font-size:11px; }
#orders-table th[aria-sort=ascending]::after { content:" ▲"; color:var(--fg); }
#orders-table th[aria-sort=descending]::after { content:" ▼"; color:var(--fg); }
tbody tr:hover { background:#f0f6ff; }
.stamp { white-space:nowrap; font-variant-numeric:tabular-nums; }
.fix { margin-top:4px; max-width:34em; font-size:13px; white-space:normal; }
td .tag { white-space:normal; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
td:first-child { white-space:nowrap; } .num { font-variant-numeric:tabular-nums; }
.toolbar { display:flex; gap:12px; align-items:center; margin-bottom:10px; }
#filter { flex:0 1 360px; padding:7px 10px; border:1px solid var(--line); border-radius:6px;
  font:inherit; }
code, .log { font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
.log { white-space:pre-wrap; word-break:break-word; background:var(--soft); border-radius:6px;
  padding:4px 8px; display:block; margin:2px 0 0; }
.sev { display:inline-block; padding:0 8px; border-radius:10px; font-size:12px; font-weight:600; }
.sev-critical { background:#cf222e; color:#fff; } .sev-high { background:#ffebe9; color:#a40e26; }
.sev-medium { background:#fff8c5; color:#7d4e00; } .sev-low { background:#ddf4ff; color:#0a3069; }
.sev-info { background:var(--soft); color:var(--muted); }
details { border:1px solid var(--line); border-radius:8px; padding:8px 12px; margin:8px 0; }
details[open] { background:#fcfdff; }
summary { cursor:pointer; font-weight:600; }
ol.timeline { list-style:none; padding-left:0; margin:6px 0; }
ol.timeline li { border-left:3px solid var(--line); padding:4px 10px; margin:4px 0; }
ol.timeline li.win { border-left-color:#cf222e; background:#fff5f5; }
.tag { color:var(--muted); font-size:12px; }
dl.bundle { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:6px 0; }
dl.bundle dt { font-weight:600; } dl.bundle dd { margin:0; }
footer { color:var(--muted); font-size:12px; text-align:center; }
@media print { #filter, .toolbar { display:none; } details { break-inside:avoid; } }
"""

JS = """
(function () {
  var table = document.getElementById('orders-table');
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = table.tHead.rows[0].cells;
  function key(row, i, numeric) {
    var cell = row.cells[i];
    var value = cell.getAttribute('data-sort');
    if (value === null) { value = cell.textContent.trim(); }
    if (numeric) { var n = parseFloat(value); return isNaN(n) ? -Infinity : n; }
    return value.toLowerCase();
  }
  function sortBy(i) {
    var th = heads[i];
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    var numeric = th.getAttribute('data-type') === 'number';
    for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute('aria-sort'); }
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var sorted = Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var x = key(a, i, numeric), y = key(b, i, numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
    });
    sorted.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.tabIndex = 0;
    th.addEventListener('click', function () { sortBy(i); });
    th.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(i); }
    });
  });
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  function apply() {
    var q = filter.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var show = !q || row.textContent.toLowerCase().indexOf(q) >= 0;
      row.hidden = !show;
      if (show) { n++; }
    });
    shown.textContent = n + ' of ' + rows.length + ' orders';
  }
  filter.addEventListener('input', apply);
  apply();
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === 'DETAILS') { target.open = true; }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
"""
