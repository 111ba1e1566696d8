/// The page's inline style sheet and script: the report is one self-contained file,
/// so nothing is fetched (no fonts, no scripts, no images from elsewhere).
enum HTMLAssets {
    static let css = """
    :root { --text: #222; --muted: #666; --line: #ddd; --accent: #0072b2; --warning: #e69f00; --error: #c00000; }
    * { box-sizing: border-box; }
    body { margin: 0 auto; max-width: 1180px; padding: 20px 24px 40px; color: var(--text); background: #fff;
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
    p { margin: 4px 0; }
    .muted, .conventions { color: var(--muted); font-size: 12.5px; }
    nav { margin: 12px 0; font-size: 13px; }
    nav a { margin-right: 14px; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px; }
    .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
    .card .name { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
    .card .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .card .note { color: var(--muted); font-size: 12px; }
    .chart svg { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
    .toggle { margin: 4px 0 8px; }
    .toggle button { font: inherit; font-size: 13px; padding: 3px 10px; border: 1px solid var(--line); background: #f6f6f6; border-radius: 4px; cursor: pointer; }
    .toggle button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
    table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
    th, td { padding: 3px 6px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
    th { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid var(--line); white-space: nowrap; }
    table.sortable th { cursor: pointer; user-select: none; }
    table.sortable th::after { content: " \\2195"; color: #bbb; }
    table.sortable th[aria-sort="ascending"]::after { content: " \\2191"; color: var(--text); }
    table.sortable th[aria-sort="descending"]::after { content: " \\2193"; color: var(--text); }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; white-space: nowrap; }
    .scroll { overflow-x: auto; }
    tr.warning td:first-child { box-shadow: inset 3px 0 var(--warning); }
    tr.error td:first-child { box-shadow: inset 3px 0 var(--error); }
    tr:target td { background: #fff6d6; }
    tbody tr:hover td { background: #f3f8fc; }
    .badge { display: inline-block; white-space: nowrap; padding: 0 5px; margin: 1px 2px 1px 0; border-radius: 3px; font-size: 11px; color: #fff; background: #8a8a8a; cursor: help; }
    .badge.warning { background: var(--warning); color: #222; }
    .badge.error { background: var(--error); }
    .bound-memory { color: #0072b2; }
    .bound-compute { color: #d55e00; }
    footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
    @media print { .toggle, nav { display: none; } th { position: static; } }
    """

    /// Sorting for every `table.sortable` (numbers by their `data-v`, largest first on the
    /// first click; text A–Z) and the folded/unfolded switch of the cost chart.
    static let script = """
    (function () {
      function cellValue(row, column, numeric) {
        var cell = row.cells[column];
        if (!cell) return numeric ? -Infinity : '';
        if (numeric) { var v = parseFloat(cell.getAttribute('data-v')); return isNaN(v) ? -Infinity : v; }
        return (cell.getAttribute('data-v') || cell.textContent).toLowerCase();
      }
      document.querySelectorAll('table.sortable').forEach(function (table) {
        var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
        headers.forEach(function (header, column) {
          header.addEventListener('click', function () {
            var numeric = header.getAttribute('data-type') === 'number';
            var current = header.getAttribute('aria-sort');
            var descending = current ? current === 'ascending' : numeric;
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            rows.forEach(function (row, index) { row._order = index; });
            rows.sort(function (a, b) {
              var x = cellValue(a, column, numeric), y = cellValue(b, column, numeric);
              if (x < y) return descending ? 1 : -1;
              if (x > y) return descending ? -1 : 1;
              return a._order - b._order;
            });
            rows.forEach(function (row) { body.appendChild(row); });
            headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
            header.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
          });
        });
      });
      document.querySelectorAll('.toggle button').forEach(function (button) {
        button.addEventListener('click', function () {
          var section = button.closest('section');
          section.querySelectorAll('[data-view]').forEach(function (view) {
            view.hidden = view.getAttribute('data-view') !== button.getAttribute('data-show');
          });
          section.querySelectorAll('.toggle button').forEach(function (other) {
            other.setAttribute('aria-pressed', other === button ? 'true' : 'false');
          });
        });
      });
    })();
    """
}
