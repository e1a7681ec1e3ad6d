// The project page: on a phone, the parts that hold nothing or a single line (data-folds) start folded
// to their heading, so that the parts with content are not a screen's scroll apart. A desktop, or a
// browser without scripts, shows every part open, as the page is served.

const PHONE = window.matchMedia("(max-width: 767.98px)");

function linkedElement() {
  // A link to something inside a part (a form's #anchor, say) keeps that part open.
  const id = decodeURIComponent(window.location.hash.slice(1));
  return id ? document.getElementById(id) : null;
}

function foldOnPhone() {
  if (!PHONE.matches) return;
  const linked = linkedElement();
  for (const part of document.querySelectorAll("details.page-section[data-folds]")) {
    if (linked && part.contains(linked)) continue;
    part.open = false;
  }
}

foldOnPhone();
