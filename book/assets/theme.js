// Applied before first paint so a dark-theme reader never sees a white flash.
(function () {
  var saved = null;
  try { saved = localStorage.getItem("edge-kata-theme"); } catch (e) { /* file:// may forbid storage */ }
  var dark = saved ? saved === "dark" : window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
})();
