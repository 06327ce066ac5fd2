// GraphiQL for the Joint Code API, from this service's own copies of its scripts.
// The query can be shared in the address (?q=...&variables=...; "query" would run it).
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var EXAMPLE = [
    "# The Joint Code API. Public questions need no token; officers send",
    "# Authorization: Bearer <token> (Headers tab below).",
    "query PublishedFigures {",
    "  parties { slug name isDemo }",
    "  statistics(groupBy: [PARTY]) { party count ratePer1000Members }",
    "}",
    ""
  ].join("\n");
  function remember(key, value) {
    if (value) { params.set(key, value); } else { params.delete(key); }
    window.history.replaceState(null, "", "?" + params.toString());
  }
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: EXAMPLE,
    query: params.get("q") || undefined,
    variables: params.get("variables") || undefined,
    onEditQuery: function (q) { remember("q", q); },
    onEditVariables: function (v) { remember("variables", v); },
    plugins: [explorer],
    defaultEditorToolsVisibility: true
  }));
})();
