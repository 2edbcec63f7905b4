// The graph page's behaviour: two kinds of view, and the Find box.
//
// "Around a node": the node in the middle, the nodes linked to it in columns on either side (read
// from left to right), grouped under the name of the link, every label measured so that none
// overlaps another. The
// page opens on one (the latest meeting), or on the whole graph when it is small.
// "The whole graph": every node at the position the build computed.
// Find looks a name up in every node's names (id, label, drawn label, abbreviations, alternative
// and Japanese labels), ignoring case, spaces and punctuation.
"use strict";
var graphData = JSON.parse(document.getElementById("graph-data").textContent);
var container = document.getElementById("mynetwork");
var statusBox = document.getElementById("status");
var viewBox = document.getElementById("view");
var viewChoice = document.getElementById("view-choice");
var network = new vis.Network(container, {nodes: new vis.DataSet([]), edges: new vis.DataSet([])},
                              Object.assign({}, graphData.options, {physics: {enabled: false}}));
var byId = {};
graphData.nodes.forEach(function (node) { byId[node.id] = node; });
window.graphReady = false;
window.currentView = null;

var AROUND = {font: 14, face: "arial", line: 17, size: 10, centreSize: 22, wrap: 26, labelGap: 7,
              itemGap: 14, columnGap: 44, centreGap: 90, captionFont: 13, maxScale: 1.25};
var measure = document.createElement("canvas").getContext("2d");

function textWidth(text, size, bold) {
  measure.font = (bold ? "bold " : "") + size + "px " + AROUND.face;
  return Math.max.apply(null, text.split("\n").map(function (line) { return measure.measureText(line).width; }));
}

function wrap(text) {
  // lines of at most the width of AROUND.wrap average characters; a word wider than that (a title in
  // Japanese has no spaces) is cut between characters
  var widest = AROUND.wrap * textWidth("abcdefghijklmnopqrstuvwxyz", AROUND.font) / 26;
  var lines = [], line = "";
  text.split(/\s+/).forEach(function (word) {
    while (textWidth(word, AROUND.font) > widest) {
      var cut = 1;
      while (cut < word.length && textWidth(word.slice(0, cut + 1), AROUND.font) <= widest) { cut++; }
      if (line) { lines.push(line); line = ""; }
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    if (line && textWidth(line + " " + word, AROUND.font) > widest) { lines.push(line); line = word; }
    else { line = line ? line + " " + word : word; }
  });
  if (line) { lines.push(line); }
  return lines.join("\n");
}

// --- views ---------------------------------------------------------------------------------------

function neighbours(centre) {
  // node id → the links between it and the centre (edge records), in the order of the data
  var found = {};
  graphData.edges.forEach(function (edge) {
    var other = edge.from === centre ? edge.to : edge.to === centre ? edge.from : null;
    if (other === null || other === centre) { return; }
    (found[other] = found[other] || []).push(edge);
  });
  return found;
}

function groupsAround(centre) {
  // [{caption, members: [id]}]: each neighbour under the first (by name) of its links to the centre
  var linked = neighbours(centre), groups = {};
  Object.keys(linked).forEach(function (other) {
    var names = linked[other].map(function (edge) {
      return edge.from === centre ? edge.label : "← " + edge.label;
    }).sort();
    (groups[names[0]] = groups[names[0]] || []).push(other);
  });
  return Object.keys(groups).sort(function (a, b) {
    return (a.charAt(0) === "←") - (b.charAt(0) === "←") || groups[b].length - groups[a].length || (a < b ? -1 : 1);
  }).map(function (caption) {
    var members = groups[caption].sort(function (a, b) {
      var x = graphData.text[a].toLowerCase(), y = graphData.text[b].toLowerCase();
      return x < y ? -1 : x > y ? 1 : (a < b ? -1 : 1);
    });
    return {caption: caption, members: members};
  });
}

function columnsFor(items, count) {
  // the items (each with a height) in ``count`` columns of about equal height, in order; a group
  // that goes on in the next column gets its caption again
  var total = items.reduce(function (sum, item) { return sum + item.height; }, 0);
  var target = total / count, columns = [[]], height = 0;
  items.forEach(function (item, index) {
    var next = items[index + 1];
    var needed = item.caption && next ? item.height + next.height : item.height;
    if (height > 0 && height + needed > target * 1.02 && columns.length < count) {
      columns.push([]);
      height = 0;
      if (!item.caption && item.group) {
        var caption = item.group.caption + " (continued)";
        var again = {caption: caption, height: item.group.captionHeight, group: item.group,
                     width: textWidth(caption, AROUND.captionFont, true)};
        columns[columns.length - 1].push(again);
        height += again.height;
      }
    }
    columns[columns.length - 1].push(item);
    height += item.height;
  });
  return columns;
}

function placeAround(centre) {
  // positions for the centre, its neighbours and the group captions; [nodes, edges]
  var groups = groupsAround(centre), items = [];
  groups.forEach(function (group) {
    group.captionHeight = AROUND.line + 8;
    items.push({caption: group.caption, height: group.captionHeight, group: group});
    group.members.forEach(function (id) {
      var label = wrap(graphData.text[id]);
      var lines = label.split("\n").length;
      items.push({id: id, label: label, group: group,
                  height: 2 * AROUND.size + AROUND.labelGap + lines * AROUND.line + AROUND.itemGap});
    });
  });
  items.forEach(function (item) {
    item.width = item.caption ? textWidth(item.caption, AROUND.captionFont, true) : Math.max(textWidth(item.label, AROUND.font), 2 * AROUND.size);
  });
  var centreLabel = wrap(graphData.text[centre]);
  var centreWidth = Math.max(textWidth(centreLabel, AROUND.font + 4, true), 2 * AROUND.centreSize);
  var box = freeArea(), best = null;
  for (var count = 1; count <= Math.max(1, Math.min(12, items.length)); count++) {
    var columns = items.length ? columnsFor(items, count) : [];
    var widths = columns.map(function (column) {
      return Math.max.apply(null, column.map(function (item) { return item.width; }).concat([0])) + AROUND.columnGap;
    });
    var heights = columns.map(function (column) {
      return column.reduce(function (sum, item) { return sum + item.height; }, 0);
    });
    var right = 0, left = 0, onLeft = Math.floor(columns.length / 2);
    widths.forEach(function (width, index) { if (index < onLeft) { left += width; } else { right += width; } });
    var start = centreWidth / 2 + AROUND.centreGap;
    var width = 2 * start + 2 * Math.max(right, left);
    var height = Math.max(Math.max.apply(null, heights.concat([0])), 2 * AROUND.centreSize + 3 * AROUND.line);
    var scale = Math.min(box.width / width, box.height / height);
    if (best === null || scale > best.scale * 1.001) {
      best = {scale: scale, columns: columns, widths: widths, heights: heights, start: start, width: width, height: height};
    }
  }
  // columns read from left to right: the first half on the left of the centre, the rest on its right
  var placed = [], onLeft = Math.floor(best.columns.length / 2);
  var leftEdge = -best.start - best.widths.slice(0, onLeft).reduce(function (sum, w) { return sum + w; }, 0);
  var rightEdge = best.start;
  best.columns.forEach(function (column, index) {
    var width = best.widths[index], x;
    if (index < onLeft) { x = leftEdge + width / 2; leftEdge += width; } else { x = rightEdge + width / 2; rightEdge += width; }
    var y = -best.heights[index] / 2;
    column.forEach(function (item) {
      if (item.caption) {
        placed.push({id: "caption:" + index + ":" + item.caption, x: x, y: y + AROUND.line / 2, label: item.caption,
                     shape: "text", font: {size: AROUND.captionFont, color: "#52606d", bold: true, face: AROUND.face},
                     caption: true, chosen: false});
      } else {
        var node = byId[item.id];
        placed.push({id: item.id, x: x, y: y + AROUND.size, label: item.label, title: node.title, shape: node.shape,
                     color: node.color, size: AROUND.size, font: {size: AROUND.font, face: AROUND.face}});
      }
      y += item.height;
    });
  });
  var middle = byId[centre];
  placed.push({id: centre, x: 0, y: 0, label: centreLabel, title: middle.title, shape: middle.shape,
               color: middle.color, size: AROUND.centreSize,
               font: {size: AROUND.font + 4, face: AROUND.face, bold: true}});
  var links = graphData.edges.filter(function (edge) {
    return (edge.from === centre) !== (edge.to === centre);
  }).map(function (edge) {
    return {id: edge.id, from: edge.from, to: edge.to, title: edge.title, arrows: "to", smooth: false};
  });
  return {nodes: placed, edges: links, width: best.width, height: best.height};
}

function freeArea() {
  // the part of the drawing area that the legend and the status line leave free (in pixels)
  var box = container.getBoundingClientRect(), legend = document.getElementById("legend").getBoundingClientRect();
  var left = legend.right - box.left + 12, top = 8, bottom = 30;
  return {left: left, top: top, width: Math.max(box.width - left - 8, 100), height: Math.max(box.height - top - bottom, 100),
          full: box};
}

function settle(extent) {
  // once the nodes of a view are drawn where they belong: show all of them (a view around a node:
  // in the area the legend leaves free) and say so
  if (extent) {
    var area = freeArea();
    var scale = Math.min(area.width / extent.width, area.height / extent.height, AROUND.maxScale);
    var dx = (area.left + area.width / 2) - area.full.width / 2, dy = (area.top + area.height / 2) - area.full.height / 2;
    network.moveTo({scale: scale, position: {x: -dx / scale, y: -dy / scale}, animation: false});
  } else {
    network.fit({animation: false});
  }
  window.graphReady = true;
}

function showAround(centre) {
  var view = placeAround(centre);
  window.graphReady = false;
  network.setOptions({physics: {enabled: false}});
  network.setData({nodes: new vis.DataSet(view.nodes), edges: new vis.DataSet(view.edges)});
  window.currentView = centre;
  say([graphData.text[centre].replace(/\s+/g, " ") + ": the ",
       count("neighbours", view.nodes.filter(function (n) { return !n.caption; }).length - 1),
       " entities and documents linked to it, by link. Double-click a node to put it in the middle; hover a link for its source."]);
  var option = viewBox.querySelector('option[value="' + CSS.escape(centre) + '"]');
  if (option) { viewBox.value = centre; } else {
    viewChoice.textContent = "around " + graphData.text[centre].replace(/\s+/g, " ");
    viewChoice.hidden = false;
    viewBox.value = "";
  }
  settle(view);
}

function box(node, dy) {
  // where a node's label is drawn, moved down by dy (vis-network measures it before its vadjust)
  var size = node.labelModule.size, top = size.top + (node.labelModule.fontOptions.vadjust || 0) + dy;
  return {left: size.left, right: size.left + size.width, top: top, bottom: top + size.height};
}

function covers(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function declutter() {
  // In the whole graph only large labels can be read (vis-network leaves out labels under its
  // drawing threshold). A large label that would cover another label or node goes above its
  // node instead, or if that covers something too, back to the ordinary size (shown when zoomed in).
  var scale = network.getScale(), threshold = graphData.options.nodes.scaling.label.drawThreshold;
  var ordinary = graphData.options.nodes.font.size, nodes = network.body.nodes;
  var ids = network.body.data.nodes.getIds();
  var shapes = ids.map(function (id) {
    var n = nodes[id];
    return {id: id, left: n.x - n.shape.width / 2, right: n.x + n.shape.width / 2,
            top: n.y - n.shape.height / 2, bottom: n.y + n.shape.height / 2};
  });
  var large = ids.filter(function (id) {
    return nodes[id].labelModule.elementOptions.label && nodes[id].labelModule.fontOptions.size * scale >= threshold;
  }).sort(function (a, b) {
    return nodes[b].labelModule.fontOptions.size - nodes[a].labelModule.fontOptions.size ||
           network.getConnectedEdges(b).length - network.getConnectedEdges(a).length || (a < b ? -1 : 1);
  });
  var placed = [], changes = [];
  large.forEach(function (id) {
    var node = nodes[id], below = box(node, 0);
    var shift = (node.y - node.shape.height / 2 - 3) - below.bottom;
    var choices = [[below, 0], [box(node, shift), shift]];
    var free = choices.filter(function (choice) {
      return !placed.some(function (other) { return covers(choice[0], other); }) &&
             !shapes.some(function (shape) { return shape.id !== id && covers(choice[0], shape); });
    })[0];
    var font = Object.assign({}, byId[id].font || {});
    if (free) {
      placed.push(free[0]);
      if (free[1]) { font.vadjust = (font.vadjust || 0) + free[1]; changes.push({id: id, font: font}); }
    } else {
      changes.push({id: id, font: {size: ordinary, vadjust: 0}});
    }
  });
  network.body.data.nodes.update(changes);
}

function showWhole() {
  window.graphReady = false;
  network.setData({nodes: new vis.DataSet(graphData.nodes), edges: new vis.DataSet(graphData.edges)});
  window.currentView = "whole";
  viewBox.value = "whole";
  say(["The whole graph. Double-click a node to see it with what is linked to it; hover a link for its source."]);
  if (graphData.options.physics.enabled) {
    say(["laying out…"]);
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      say(["The whole graph. Double-click a node to see it with what is linked to it."]);
      settleWhole();
    });
    network.setOptions({physics: graphData.options.physics});
    network.stabilize(graphData.options.physics.stabilization.iterations);
  } else {
    settleWhole();
  }
}

function settleWhole() {
  // fit the whole graph in, and once it is drawn (labels are measured as they are drawn), declutter
  network.fit({animation: false});
  network.once("afterDrawing", function () {
    declutter();
    window.graphReady = true;
  });
  network.redraw();
}

function count(name, value) {
  var span = document.createElement("span");
  span.className = "count";
  span.dataset.count = name;
  span.textContent = String(value);
  return span;
}

function say(parts) {
  statusBox.textContent = "";
  parts.forEach(function (part) {
    statusBox.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
  });
}

function show(view) {
  if (view === "whole") { showWhole(); } else if (byId[view]) { showAround(view); }
}

viewBox.addEventListener("change", function () { if (viewBox.value) { show(viewBox.value); } });
document.getElementById("whole").addEventListener("click", showWhole);
network.on("doubleClick", function (event) {
  var id = event.nodes[0];
  if (id !== undefined && byId[id] && id !== window.currentView) { showAround(id); network.selectNodes([id]); }
});

// --- Find ----------------------------------------------------------------------------------------

function key(text) {
  return String(text).normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

var lookup = {};
Object.keys(graphData.names).forEach(function (id) {
  graphData.names[id].forEach(function (name) {
    var k = key(name);
    if (k && (lookup[k] = lookup[k] || []).indexOf(id) < 0) { lookup[k].push(id); }
  });
});
var keys = Object.keys(lookup).sort();

function findNodes(text) {
  // the nodes called ``text``; else those whose name begins with it, if that is one node
  var wanted = key(text);
  if (!wanted) { return []; }
  if (lookup[wanted]) { return lookup[wanted].slice().sort(); }
  var found = {};
  keys.forEach(function (k) {
    if (k.indexOf(wanted) === 0) { lookup[k].forEach(function (id) { found[id] = true; }); }
  });
  var ids = Object.keys(found).sort();
  return ids.length === 1 ? ids : [];
}

document.getElementById("find").addEventListener("change", function (event) {
  var ids = findNodes(event.target.value);
  if (!ids.length) { say(["not found"]); return; }
  var shown = network.body.data.nodes;
  var here = ids.filter(function (id) { return shown.get(id) !== null; });
  if (!here.length) {
    showAround(ids[0]);
    here = [ids[0]];
  } else if (window.currentView !== "whole" && here.indexOf(window.currentView) < 0) {
    showAround(here[0]);
    here = [here[0]];
  }
  network.selectNodes(here);
  if (window.currentView === "whole") { network.focus(here[0], {scale: 1.2, animation: false}); }
});

var hash = decodeURIComponent(window.location.hash.slice(1));
show(hash === "whole" || byId[hash] ? hash : graphData.start || "whole");
