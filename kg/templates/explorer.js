(function () {
  "use strict";
  // Curated text only ever reaches the page through textContent, property assignment or the
  // canvas: never through innerHTML, so markup in a label or a quote shows as text.
  var started = performance.now();
  var payload = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var container = document.getElementById("kg-network");
  var panel = document.getElementById("kg-evidence");
  var status = document.getElementById("kg-status");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, payload.options);
  var state = {
    network: network, nodes: nodes, edges: edges,
    settled: false, settleMs: null, focused: null, shown: null, pinned: null
  };
  window.kgExplorer = state;

  network.on("stabilizationProgress", function (p) {
    status.textContent = payload.summary + " — arranging the layout… " +
      Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    // the layout has settled: stop the physics so that the picture holds still
    network.setOptions({ physics: { enabled: false } });
    state.settleMs = performance.now() - started;
    state.settled = true;
    status.textContent = payload.summary;
  });

  function add(parent, tag, text, className) {
    var element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    if (className) { element.className = className; }
    parent.appendChild(element);
    return element;
  }
  function addLink(parent, url, text) {
    if (!/^https?:\/\//i.test(url)) { return add(parent, "span", text); }
    var a = add(parent, "a", text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function label(id) { var n = nodes.get(id); return n ? n.label : id; }

  function showNode(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    state.shown = { node: id };
    panel.replaceChildren();
    add(panel, "h2", n.label);
    add(panel, "p", n.category, "kg-small");
    if (n.synonyms.length) {
      add(panel, "h3", "Synonyms");
      add(panel, "p", n.synonyms.join("; "));
    }
    if (n.description) {
      add(panel, "h3", "Description");
      add(panel, "p", n.description);
    }
    if (n.xrefs.length) {
      add(panel, "h3", "Cross-references");
      var list = add(panel, "ul");
      n.xrefs.forEach(function (x) {
        var item = add(list, "li");
        addLink(item, x.url, x.curie);
        add(item, "span", " (" + x.match + " match)", "kg-small");
      });
    }
    add(panel, "h3", "Identifier");
    addLink(add(panel, "p", null, "kg-small"), n.iri, n.iri);
    var count = network.getConnectedEdges(id).length;
    add(panel, "p", count + (count === 1 ? " arrow" : " arrows") +
      " here; hover over or click one to read its evidence.", "kg-hint");
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e) { return; }
    state.shown = { edge: id };
    panel.replaceChildren();
    add(panel, "h2", label(e.from) + " → " + e.predicate_label + " → " + label(e.to));
    add(panel, "p", "Modality: " + e.modality + " — " + (payload.meanings[e.modality] || ""),
      "kg-small");
    if (!e.evidence.length) {
      add(panel, "p", "Inferred by the reasoner from the curated statements; no quote of its own.",
        "kg-hint");
    }
    e.evidence.forEach(function (ev) {
      var item = add(panel, "div", null, "kg-item");
      add(item, "blockquote", "“" + ev.quote + "”");
      if (ev.numbers) { add(item, "p", ev.numbers, "kg-numbers"); }
      if (ev.context) { add(item, "p", "Context: " + ev.context, "kg-small"); }
      var cite = add(item, "p", null, "kg-small");
      if (ev.link) { addLink(cite, ev.link, ev.citation); } else { add(cite, "span", ev.citation); }
      add(item, "p", "Evidence " + ev.evidence_code + " · statement " + ev.statement, "kg-small");
      if (ev.qualifiers.length) {
        var list = add(item, "ul", null, "kg-small");
        ev.qualifiers.forEach(function (q) { add(list, "li", q[0] + ": " + q[1]); });
      }
    });
  }

  function show(what) {
    if (what && what.node !== undefined) { showNode(what.node); }
    if (what && what.edge !== undefined) { showEdge(what.edge); }
  }
  network.on("hoverNode", function (p) { showNode(p.node); });
  network.on("hoverEdge", function (p) { showEdge(p.edge); });
  network.on("blurNode", function () { show(state.pinned); });
  network.on("blurEdge", function () { show(state.pinned); });
  network.on("click", function (p) {
    if (p.nodes.length) { state.pinned = { node: p.nodes[0] }; }
    else if (p.edges.length) { state.pinned = { edge: p.edges[0] }; }
    else { state.pinned = null; }
    show(state.pinned);
  });

  // ---- category filter -------------------------------------------------------------------
  var hidden = new Set();
  var categoryOf = {};
  payload.nodes.forEach(function (n) { categoryOf[n.id] = n.category; });
  function applyFilter() {
    nodes.update(payload.nodes.map(function (n) {
      return { id: n.id, hidden: hidden.has(n.category) };
    }));
    edges.update(payload.edges.map(function (e) {
      return { id: e.id, hidden: hidden.has(categoryOf[e.from]) || hidden.has(categoryOf[e.to]) };
    }));
  }
  var boxes = document.querySelectorAll("input.kg-filter");
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { hidden.delete(box.value); } else { hidden.add(box.value); }
      applyFilter();
    });
  });

  // ---- search by label or synonym --------------------------------------------------------
  var index = [];
  payload.nodes.forEach(function (n) { index.push([n.label.toLowerCase(), n.id]); });
  payload.nodes.forEach(function (n) {
    index.push([n.id.toLowerCase(), n.id]);
    n.synonyms.forEach(function (s) { index.push([s.toLowerCase(), n.id]); });
  });
  var names = document.getElementById("kg-names");
  var seen = new Set();
  payload.nodes.forEach(function (n) {
    [n.label].concat(n.synonyms).forEach(function (text) {
      if (seen.has(text)) { return; }
      seen.add(text);
      var option = document.createElement("option");
      option.value = text;
      names.appendChild(option);
    });
  });
  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    var hit = index.find(function (e) { return e[0] === q; }) ||
      index.find(function (e) { return e[0].startsWith(q); }) ||
      index.find(function (e) { return e[0].indexOf(q) >= 0; });
    return hit ? hit[1] : null;
  }
  function focusNode(id) {
    var category = categoryOf[id];
    if (hidden.has(category)) {
      hidden.delete(category);
      boxes.forEach(function (box) { if (box.value === category) { box.checked = true; } });
      applyFilter();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: false });
    state.focused = id;
    state.pinned = { node: id };
    showNode(id);
  }
  var input = document.getElementById("kg-search-input");
  function search(event) {
    if (event) { event.preventDefault(); }
    var id = find(input.value);
    if (id === null) {
      status.textContent = "No entity is called “" + input.value.trim() + "”.";
      return;
    }
    status.textContent = payload.summary;
    focusNode(id);
  }
  document.getElementById("kg-search").addEventListener("submit", search);
  input.addEventListener("change", function () { if (input.value.trim()) { search(); } });
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.unselectAll();
    network.fit({ animation: false });
  });
  state.search = function (text) { input.value = text; search(); return state.focused; };
})();
