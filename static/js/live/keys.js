// The live page's keyboard shortcuts (the help lists them: templates/scoring/live.html).

// `actions` does the work: current() is the section on screen, or null; step(offset),
// setScore(section, value), toggleSkipped(section), cycleMark(section, point).
export function listenToKeys(actions) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    const typing = target.matches("textarea, input[type=text], input[type=search], select");
    if (typing) {
      if (event.key === "Escape") target.blur();
      return;
    }
    const key = event.key;
    const help = document.getElementById("live-help");
    if (help.classList.contains("show")) {
      // The help is open: ? and Esc close it, whatever has the focus.
      if (key === "?" || key === "Escape") {
        bootstrap.Modal.getOrCreateInstance(help).hide();
        event.preventDefault();
      }
      return;
    }
    const current = actions.current();
    if (!current) return;
    let handled = true;
    if (key === "n" || key === "ArrowRight") actions.step(1);
    else if (key === "p" || key === "ArrowLeft") actions.step(-1);
    else if (["1", "2", "3", "4"].includes(key)) actions.setScore(current, key);
    else if (key === "e") current.querySelector("textarea[name=notes]").focus();
    else if (key === "x") actions.toggleSkipped(current);
    else if (key === "+") {
      const details = current.querySelector("details.follow-up");
      details.open = true;
      details.querySelector("textarea[name=prompt]").focus();
    } else if (key === "?") bootstrap.Modal.getOrCreateInstance(help).show();
    else {
      const point = current.querySelector(`.live-point[data-key="${CSS.escape(key)}"]`);
      if (point) actions.cycleMark(current, point);
      else handled = false;
    }
    if (handled) event.preventDefault();
  });
}
