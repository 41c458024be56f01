package io.doppel.server.admin;

/** The page at {@code /}: renders {@code /status} and refreshes it every two seconds. */
final class StatusPage {
  private StatusPage() {}

  static final String HTML =
      """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>doppel</title>
      <style>
      body{font-family:system-ui,sans-serif;margin:2em;color:#222}
      table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}
      th{background:#f3f3f3}.muted{color:#888}
      </style></head>
      <body>
      <h1>doppel <span id="node"></span></h1>
      <p id="summary" class="muted">loading&hellip;</p>
      <table><thead><tr><th>export</th><th>id</th><th>directory</th><th>last applied</th></tr>
      </thead><tbody id="exports"></tbody></table>
      <p class="muted"><a href="/metrics">metrics</a> &middot; <a href="/status">status JSON</a></p>
      <script>
      function cell(row, text) { const td = document.createElement('td');
        td.textContent = text; row.appendChild(td); }
      async function refresh() {
        try {
          const s = await (await fetch('/status', {cache: 'no-store'})).json();
          document.getElementById('node').textContent = s.node;
          document.getElementById('summary').textContent = 'version ' + s.version + ', '
            + s.state + ', up ' + s.uptimeSeconds + ' s, nfs port ' + s.nfsPort
            + ', admin port ' + s.adminPort;
          const body = document.getElementById('exports');
          body.replaceChildren();
          for (const e of s.exports) { const row = document.createElement('tr');
            cell(row, e.path); cell(row, e.id); cell(row, e.directory);
            cell(row, e.lastAppliedSequence); body.appendChild(row); }
        } catch (err) {
          document.getElementById('summary').textContent = 'unreachable: ' + err;
        }
      }
      refresh(); setInterval(refresh, 2000);
      </script>
      </body></html>
      """;
}
