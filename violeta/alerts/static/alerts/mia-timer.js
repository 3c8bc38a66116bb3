/*
 * MIA: "Acompáñame", the trip timer screen. It uses mia.js's helpers (window.MIA) and the strings rendered into
 * <script type="application/json" id="mia-timer-i18n">.
 *
 * The server owns the deadline: the countdown shown here is the server's deadline minus the server's clock
 * (corrected for the phone's clock), and nothing happens when it reaches zero in the browser except asking the
 * server, which has raised the alert by itself (or is about to). On load the app asks the server for a running
 * timer and resumes it; a timer that ran out shows its alert on the alert screen. While the timer runs, the
 * phone shares its position (first fix at once, then every update interval) with the contacts she chose.
 */
(function () {
  "use strict";

  var MIA = window.MIA;
  if (!MIA) {
    return;
  }
  var TT = JSON.parse(document.getElementById("mia-timer-i18n").textContent);
  var START_KEY = "mia.timerStart"; // the client_id of a start not yet answered, so a retry makes one timer
  var POLL_MS = 15000;
  var DUE_POLL_MS = 2000;

  function $(id) {
    return document.getElementById(id);
  }

  // ``epoch`` changes whenever the screen starts or stops a timer: an answer to a question asked before that is
  // stale (a "no timer" sent before the start must not stop the timer just started).
  var state = { timer: null, offset: 0, tick: null, poll: null, epoch: 0 };
  var geo = { timerId: null, watchId: null, latest: null, sentStamp: null, every: null };

  // --- The countdown: the server's deadline against the server's clock ------------------------------------

  function left() {
    return Date.parse(state.timer.deadline) - (Date.now() + state.offset);
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function render() {
    var ms = Math.max(0, left());
    var s = Math.ceil(ms / 1000);
    var text = Math.floor(s / 3600) ? Math.floor(s / 3600) + ":" + two(Math.floor(s / 60) % 60) : String(Math.floor(s / 60));
    $("timer-left").textContent = MIA.fmt(TT.left, { time: text + ":" + two(s % 60) });
    if (ms <= 0 && !state.due) {
      state.due = true; // the server fires it: ask it more often until it has
      schedulePoll(DUE_POLL_MS);
    }
  }

  function running(timer) {
    state.epoch += 1;
    state.timer = timer;
    state.offset = Date.parse(timer.server_time) - Date.now();
    state.due = false;
    $("form-timer").hidden = true;
    $("timer-running").hidden = false;
    $("timer-pin").value = "";
    $("timer-until").textContent = MIA.fmt(TT.until, { time: MIA.clock(timer.deadline) });
    $("timer-following").textContent = timer.followers.length ? timer.followers.join(", ") : TT.noFollowers;
    clearInterval(state.tick);
    state.tick = setInterval(render, 1000);
    render();
    schedulePoll(POLL_MS);
    startSharing(timer.id);
  }

  function stop() {
    state.epoch += 1;
    clearInterval(state.tick);
    clearTimeout(state.poll);
    state.timer = null;
    $("timer-running").hidden = true;
    $("form-timer").hidden = false;
  }

  function schedulePoll(ms) {
    clearTimeout(state.poll);
    state.poll = setTimeout(check, ms);
  }

  /** Asks the server for her timer: resumes a running one, shows the alert of one that ran out. */
  function check() {
    var epoch = state.epoch;
    return MIA.api("GET", "/timers/current")
      .then(function (result) {
        if (epoch !== state.epoch) {
          return;
        }
        if (result.status === 204) {
          if (state.timer) {
            stop();
            stopSharing();
          }
          return;
        }
        if (!result.ok) {
          return;
        }
        var timer = result.data;
        if (timer.status === "expired" && timer.alert) {
          stop();
          stopSharing();
          if (MIA.resumeAlert(timer.alert)) {
            MIA.showMessage(TT.fired, "danger");
          }
          return;
        }
        if (timer.status === "active") {
          if (!state.timer || state.timer.id !== timer.id) {
            if (!MIA.alertOnScreen()) {
              MIA.show("timer");
            }
            running(timer);
          } else {
            state.offset = Date.parse(timer.server_time) - Date.now();
            schedulePoll(state.due ? DUE_POLL_MS : POLL_MS);
          }
        }
      })
      .catch(function () {
        if (state.timer) {
          schedulePoll(state.due ? DUE_POLL_MS : POLL_MS);
        }
      });
  }

  // --- Starting: how long, and who follows ------------------------------------------------------------------

  TT.durations.forEach(function (d) {
    var option = document.createElement("option");
    option.value = d.seconds;
    option.textContent = d.label;
    $("timer-seconds").append(option);
  });

  function renderForm(contacts) {
    var box = $("timer-followers");
    box.textContent = "";
    contacts.forEach(function (contact) {
      var wrap = document.createElement("div");
      wrap.className = "form-check";
      var input = document.createElement("input");
      input.className = "form-check-input";
      input.type = "checkbox";
      input.name = "followers";
      input.value = contact.id;
      input.id = "follower-" + contact.id;
      var label = document.createElement("label");
      label.className = "form-check-label";
      label.htmlFor = input.id;
      label.textContent = contact.name;
      wrap.append(input, label);
      box.append(wrap);
    });
    $("btn-timer-start").disabled = !contacts.length;
    if (!contacts.length) {
      MIA.showMessage(TT.noContacts, "info");
    }
  }

  MIA.screens.timer = function () {
    if (state.timer) {
      return check();
    }
    $("timer-running").hidden = true;
    $("form-timer").hidden = false;
    return MIA.api("GET", "/contacts")
      .then(function (result) {
        if (result.ok) {
          renderForm(result.data);
        }
        return check();
      })
      .catch(function () {
        MIA.showMessage(MIA.T.network);
      });
  };

  MIA.onSubmit($("form-timer"), function (form) {
    var clientId = MIA.store.get(START_KEY) || MIA.uuid();
    MIA.store.set(START_KEY, clientId);
    var followers = Array.prototype.map.call(form.querySelectorAll('input[name="followers"]:checked'), function (el) {
      return Number(el.value);
    });
    var payload = { client_id: clientId, seconds: Number(form.seconds.value), followers: followers };
    return MIA.api("POST", "/timers", payload).then(function (result) {
      if (!result.ok) {
        if (result.status < 500) {
          MIA.store.del(START_KEY); // a refusal: the next try is a new start
        }
        MIA.apiError(form, result);
        return;
      }
      MIA.store.del(START_KEY);
      running(result.data);
    });
  });

  // --- Ending with her PIN (the duress PIN answers the same) ------------------------------------------------

  MIA.onSubmit($("form-timer-end"), function (form) {
    var timer = state.timer;
    if (!timer) {
      return;
    }
    return MIA.api("POST", "/timers/" + timer.id + "/end", { pin: form.pin.value.trim() }).then(function (result) {
      form.pin.value = "";
      if (!result.ok) {
        MIA.apiError(form, result);
        return;
      }
      stop();
      // The same screen whichever PIN it was. Sharing goes on quietly until the server refuses a position:
      // after her PIN that is the very next one; after the duress PIN it is not (they go to the alert).
      probe();
      MIA.show("timer");
      return MIA.screens.timer().then(function () {
        MIA.showMessage(TT.ended, "success");
      });
    });
  });

  // --- Sharing her position while the timer runs --------------------------------------------------------------

  function startSharing(timerId) {
    if (geo.timerId === timerId) {
      return;
    }
    stopSharing();
    geo.timerId = timerId;
    if (!("geolocation" in navigator)) {
      return;
    }
    geo.watchId = navigator.geolocation.watchPosition(
      function (position) {
        var first = !geo.latest;
        geo.latest = position;
        if (first) {
          send(position);
        }
      },
      function () {},
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 }
    );
    var me = MIA.store.get("mia.me") || {};
    geo.every = setInterval(function () {
      if (geo.latest) {
        send(geo.latest);
      }
    }, Math.max(30, me.update_interval_seconds || 120) * 1000);
  }

  function stopSharing() {
    if (geo.watchId !== null) {
      navigator.geolocation.clearWatch(geo.watchId);
    }
    clearInterval(geo.every);
    geo.timerId = null;
    geo.watchId = null;
    geo.latest = null;
    geo.sentStamp = null;
  }

  function probe() {
    if (geo.latest && geo.timerId) {
      geo.sentStamp = null;
      send(geo.latest);
    } else {
      stopSharing();
    }
  }

  function send(position) {
    var timerId = geo.timerId;
    if (!timerId || position.timestamp === geo.sentStamp) {
      return;
    }
    MIA.api("POST", "/timers/" + timerId + "/positions", MIA.fixPayload(position), MIA.uuid())
      .then(function (result) {
        if (geo.timerId !== timerId) {
          return;
        }
        if (result.ok) {
          geo.sentStamp = position.timestamp;
        } else if (result.status === 400 || result.status === 401 || result.status === 404) {
          stopSharing();
        }
      })
      .catch(function () {});
  }

  // --- Start: resume a running timer, or show the alert of one that ran out -----------------------------------

  if (MIA.store.get("mia.token")) {
    check();
  }
})();
