// Roll call on a tablet (programs/roll_call.html): one tap a person, saved at once. A tap that could not be saved
// (no connection, a server that did not answer) is shown as such, kept in this browser and sent again when the
// connection returns or every few seconds: never silently lost. The last tap of a person wins.
(function () {
  "use strict";

  var list = document.querySelector("[data-roll-call]");
  if (!list) {
    return;
  }
  var status = document.getElementById("roll-status");
  var KEY = "violeta.rollcall." + location.pathname;
  var RETRY_MS = 5000;

  function loadPending() {
    try {
      return JSON.parse(localStorage.getItem(KEY) || "{}");
    } catch (e) {
      return {};
    }
  }

  function savePending(pending) {
    if (Object.keys(pending).length) {
      localStorage.setItem(KEY, JSON.stringify(pending));
    } else {
      localStorage.removeItem(KEY);
    }
  }

  function formFor(action) {
    return list.querySelector('form[action="' + action + '"]');
  }

  function show(form, state, note) {
    var button = form.querySelector("button");
    var badge = form.querySelector(".roll-badge");
    button.dataset.state = state;
    button.setAttribute("aria-pressed", state === "present" ? "true" : "false");
    badge.textContent = note || list.dataset[state];
    form.querySelector("input[name=present]").value = state === "present" ? "0" : "1";
  }

  function showPendingCount() {
    var count = Object.keys(loadPending()).length;
    status.hidden = count === 0;
    status.textContent = count ? list.dataset.pending + " " + count + ". " + list.dataset.retry : "";
  }

  function send(action, present) {
    var form = formFor(action);
    var body = new FormData();
    body.append("present", present ? "1" : "0");
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    return fetch(action, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status >= 500 || response.status === 0) {
          throw new Error("server");
        }
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      });
  }

  function mark(action, present) {
    var form = formFor(action);
    var pending = loadPending();
    pending[action] = present;
    savePending(pending);
    show(form, present ? "present" : "absent", list.dataset.saving);
    return send(action, present)
      .then(function (result) {
        var now = loadPending();
        if (now[action] === present) {
          delete now[action];
          savePending(now);
        }
        if (result.ok) {
          show(form, result.data.present ? "present" : "absent");
        } else {
          // refused (e.g. she is no longer registered): say why, nothing to retry
          show(form, "unmarked", result.data.detail || "");
        }
      })
      .catch(function () {
        show(form, present ? "present" : "absent", list.dataset.failed);
      })
      .then(showPendingCount);
  }

  list.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    mark(form.getAttribute("action"), form.querySelector("input[name=present]").value === "1");
  });

  function retry() {
    var pending = loadPending();
    Object.keys(pending).forEach(function (action) {
      if (formFor(action)) {
        mark(action, pending[action]);
      }
    });
  }

  window.addEventListener("online", retry);
  setInterval(function () {
    if (Object.keys(loadPending()).length) {
      retry();
    }
  }, RETRY_MS);
  // Taps left unsaved when the page was closed are shown, and sent again, when it opens.
  var pending = loadPending();
  Object.keys(pending).forEach(function (action) {
    var form = formFor(action);
    if (form) {
      show(form, pending[action] ? "present" : "absent", list.dataset.failed);
    }
  });
  showPendingCount();
  retry();
  // Taps are now saved by this script (before it, a tap is a plain form post that reloads the page).
  list.setAttribute("data-ready", "");
})();
