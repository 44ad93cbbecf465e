// Projector: the board (results or proposal wall) never scrolls and never cuts a title.
// After each swap, its text is shrunk step by step until everything fits (not below
// 60 % of the base size, which stays readable from the back of the room at 1080p).
(function () {
  "use strict";
  function fit() {
    var board = document.getElementById("board");
    if (!board) { return; }
    var scale = 1;
    board.style.setProperty("--fit", "1");
    while (board.scrollHeight > board.clientHeight + 1 && scale > 0.6) {
      scale = Math.round((scale - 0.05) * 100) / 100;
      board.style.setProperty("--fit", String(scale));
    }
    board.dataset.fit = String(scale);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && event.detail.elt.id === "board") { fit(); }
  });
  document.addEventListener("workshop:swapped", fit);
  window.addEventListener("resize", fit);
  fit();
})();
