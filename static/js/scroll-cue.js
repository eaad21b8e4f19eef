// Wide tables scroll inside their box; the box says on which side columns are hidden
// (more-left, more-right), and the stylesheet shades that edge.
function updateScrollCue(cue) {
  const box = cue.querySelector(".table-scroll");
  const hiddenRight = box.scrollWidth - box.clientWidth - box.scrollLeft;
  cue.classList.toggle("more-left", box.scrollLeft > 1);
  cue.classList.toggle("more-right", hiddenRight > 1);
}

document.addEventListener("DOMContentLoaded", () => {
  const cues = document.querySelectorAll("[data-scroll-cue]");
  for (const cue of cues) {
    cue.querySelector(".table-scroll").addEventListener("scroll", () => updateScrollCue(cue), {
      passive: true,
    });
    updateScrollCue(cue);
  }
  window.addEventListener("resize", () => cues.forEach(updateScrollCue));
});
