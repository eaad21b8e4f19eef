// Small behaviours shared by every page; no inline scripts anywhere.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
