// The source reader: the quote a link points at (#q-START-END) and the list entry of its facts are
// highlighted; so is a quote's entry (#p-N) together with its place in the text.
(function () {
  "use strict";
  function highlight() {
    for (const element of document.querySelectorAll(".current")) element.classList.remove("current");
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (!target) return;
    const number = target.dataset.passage || (target.id.startsWith("p-") ? target.id.slice(2) : null);
    if (!number) return;
    for (const mark of document.querySelectorAll("mark[data-passages]")) {
      if (mark.dataset.passages.split(" ").includes(number)) mark.classList.add("current");
    }
    const entry = document.getElementById("p-" + number);
    if (entry) entry.classList.add("current");
  }
  window.addEventListener("hashchange", highlight);
  highlight();
})();
