// The quick exit of the public site (public/_quick_exit.html), after GOV.UK's "Exit this page".
// The button, Escape, or Shift pressed three times within five seconds: the page is blanked at once (a class
// on <html>, public.css), its title replaced, the leaving announced, then location.replace(), so Back does not
// return to it. A return by Back/Forward to a page of the site after a quick exit in this tab leaves again.
// Without JavaScript the button is a plain link. No inline script or style: the CSP forbids them.
(function () {
  "use strict";
  var root = document.documentElement;
  var link = document.getElementById("quick-exit");
  var status = document.querySelector("[data-quick-exit-status]");
  if (!link || !status) return;
  var exitUrl = link.getAttribute("href");
  var indicator = link.querySelector("[data-quick-exit-indicator]");
  var WINDOW_MS = 5000;
  var FLAG = "violeta-quick-exit";
  var presses = 0;
  var timer = null;
  var shiftWasModifier = false;

  function say(name) {
    status.textContent = status.getAttribute("data-" + name) || "";
  }

  function leave(event) {
    if (event) event.preventDefault();
    root.classList.add("quick-exit-active");
    document.title = status.getAttribute("data-title") || "";
    say("leaving");
    try {
      window.sessionStorage.setItem(FLAG, "1");
    } catch (e) {
      // storage refused (private mode on some phones): the exit itself still happens
    }
    window.location.replace(exitUrl);
  }

  function exitedBefore() {
    try {
      return window.sessionStorage.getItem(FLAG) === "1";
    } catch (e) {
      return false;
    }
  }

  function returnedByHistory() {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].type === "back_forward";
  }

  // Back or Forward to the site after a quick exit: leave again before anything is painted.
  if (exitedBefore()) {
    if (returnedByHistory()) {
      leave();
      return;
    }
    try {
      window.sessionStorage.removeItem(FLAG); // she came back on purpose (typed the address, a link)
    } catch (e) {
      // nothing to clear
    }
  }

  // A page restored from the back/forward cache runs no script again: pageshow is the only moment to act.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && (root.classList.contains("quick-exit-active") || exitedBefore())) leave();
  });

  function showPresses() {
    if (!indicator) return;
    indicator.classList.toggle("is-active", presses > 0);
    var dots = indicator.children;
    for (var i = 0; i < dots.length; i++) dots[i].classList.toggle("is-on", i < presses);
  }

  function reset(expired) {
    presses = 0;
    if (timer) window.clearTimeout(timer);
    timer = null;
    showPresses();
    if (expired) say("expired");
  }

  link.addEventListener("click", leave);

  var skip = document.querySelector("[data-quick-exit-skip]");
  if (skip) {
    skip.addEventListener("click", function (event) {
      event.preventDefault(); // focus the button without adding #quick-exit to the tab's history
      link.focus();
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") leave(event);
  });

  // Counted on keyup, as GOV.UK does: Shift held to type a capital letter is not a press.
  document.addEventListener("keyup", function (event) {
    if (event.key === "Shift" && !shiftWasModifier) {
      presses += 1;
      showPresses();
      if (presses >= 3) {
        reset(false);
        leave(event);
        return;
      }
      say(presses === 1 ? "two-more" : "one-more");
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        reset(true);
      }, WINDOW_MS);
    } else if (presses > 0 && event.key !== "Shift") {
      reset(false);
    }
    shiftWasModifier = event.shiftKey;
  });
})();
