/*
 * MIA: the alert app. One page, several screens; everything it knows comes from the JSON API (/api/v1/mia/)
 * with the device token kept in localStorage. No inline code (the CSP forbids it); the strings it shows are
 * rendered by the server into <script type="application/json" id="mia-i18n">.
 *
 * The alert, in order: the POST that raises it goes out at once (the server queues the SMS to every contact in
 * the same transaction); only then does the app ask for the location, send the first fix, and keep sending one
 * every update_interval_seconds. It polls the alert every 5 s to show who has acknowledged. When the POST cannot
 * reach the server, it offers an sms: link to her contacts (numbers and text cached from /contacts/fallback)
 * and retries in the background with the same client_id, so the server never makes two alerts of one press.
 */
(function () {
  "use strict";

  var body = document.body;
  var API = body.dataset.api;
  var T = JSON.parse(document.getElementById("mia-i18n").textContent);
  var KEYS = { token: "mia.token", me: "mia.me", fallback: "mia.fallback", alert: "mia.alert" };
  var SIGNUP = "mia.signup"; // sessionStorage: the phone (and code) between the sign-up screens
  var HOLD_MS = 2000;
  var POLL_MS = 5000;

  // --- Small helpers ---------------------------------------------------------------------------------------

  var store = {
    get: function (key) {
      try {
        return JSON.parse(localStorage.getItem(key));
      } catch (e) {
        return null;
      }
    },
    set: function (key, value) {
      localStorage.setItem(key, JSON.stringify(value));
    },
    del: function (key) {
      localStorage.removeItem(key);
    },
  };

  function $(id) {
    return document.getElementById(id);
  }

  function fmt(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return params[key] === undefined ? "" : String(params[key]);
    });
  }

  function clock(value) {
    return new Date(value).toLocaleTimeString("es-MX", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    });
    return [h.slice(0, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10), h.slice(10)]
      .map(function (p) {
        return p.join("");
      })
      .join("-");
  }

  function NetworkError() {
    this.message = T.network;
  }

  /** One call to the API. Resolves to {ok, status, data}; rejects with NetworkError when offline. A retry of the
   * same action passes the same idempotencyKey, so the server creates it once (docs/api.md). */
  function api(method, path, data, idempotencyKey) {
    var headers = { Accept: "application/json" };
    if (idempotencyKey) {
      headers["Idempotency-Key"] = idempotencyKey;
    }
    var token = store.get(KEYS.token);
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    var options = { method: method, headers: headers, cache: "no-store", credentials: "omit" };
    if (data !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(data);
    }
    return fetch(API + path, options).then(
      function (response) {
        var parsed = response.status === 204 ? Promise.resolve(null) : response.json().catch(function () {
          return null;
        });
        return parsed.then(function (json) {
          if (response.status === 401 && token) {
            signOut();
          }
          return { ok: response.ok, status: response.status, data: json };
        });
      },
      function () {
        throw new NetworkError();
      }
    );
  }

  // --- Messages and form errors ----------------------------------------------------------------------------

  function showMessage(text, kind) {
    var box = $("mia-message");
    box.textContent = text;
    box.className = "alert mt-3 alert-" + (kind || "danger");
    box.hidden = !text;
  }

  function clearErrors(form) {
    form.querySelectorAll(".is-invalid").forEach(function (el) {
      el.classList.remove("is-invalid");
    });
    form.querySelectorAll("[data-error-for]").forEach(function (el) {
      el.textContent = "";
    });
    showMessage("");
  }

  function fieldError(form, field, text) {
    var slot = form.querySelector('[data-error-for="' + field + '"]');
    var input = form.querySelector('[name="' + field + '"]');
    if (slot && input) {
      input.classList.add("is-invalid");
      slot.textContent = text;
      input.focus();
      return true;
    }
    return false;
  }

  /** Shows an API error next to its field when the code names one, otherwise at the top of the screen. */
  function apiError(form, result) {
    var detail = (result && result.data && result.data.detail) || T.error;
    var code = result && result.data && result.data.code;
    if (!(form && code && fieldError(form, code, detail))) {
      showMessage(detail);
    }
  }

  function submitting(form, busy) {
    form.querySelectorAll("button, input").forEach(function (el) {
      el.disabled = busy;
    });
  }

  /** Wires a form to an async handler; network failures show the "no connection" message. */
  function onSubmit(form, handler) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      submitting(form, true);
      Promise.resolve()
        .then(function () {
          return handler(form);
        })
        .catch(function (error) {
          showMessage(error instanceof NetworkError ? T.network : T.error);
        })
        .then(function () {
          submitting(form, false);
        });
    });
  }

  // --- Screens ---------------------------------------------------------------------------------------------

  function show(name) {
    document.querySelectorAll("[data-screen]").forEach(function (section) {
      section.hidden = section.id !== "screen-" + name;
    });
    $("mia-nav").hidden = !(store.get(KEYS.token) && ["alert", "contacts", "timer"].indexOf(name) >= 0);
    showMessage("");
    window.scrollTo(0, 0);
  }

  function go(name) {
    if (name === "contacts") {
      show("contacts");
      return loadContacts();
    }
    if (screens[name]) {
      show(name);
      return Promise.resolve(screens[name]());
    }
    show("alert");
    return Promise.resolve();
  }

  function signOut() {
    [KEYS.token, KEYS.me, KEYS.fallback].forEach(store.del);
    show("phone");
  }

  // --- Disguise: the installed app's name and icon ---------------------------------------------------------

  function applyDisguise(disguise) {
    if (!disguise || disguise === body.dataset.disguise) {
      return;
    }
    var url = new URL(window.location.href);
    if (disguise === "mia") {
      url.searchParams.delete("d");
    } else {
      url.searchParams.set("d", disguise);
    }
    // Reload with the new ?d= so the title, icon and manifest (what "add to home screen" uses) all follow.
    window.location.replace(url.toString());
  }

  // --- Sign-up ---------------------------------------------------------------------------------------------

  function signup(value) {
    if (value === undefined) {
      try {
        return JSON.parse(sessionStorage.getItem(SIGNUP)) || {};
      } catch (e) {
        return {};
      }
    }
    if (value === null) {
      sessionStorage.removeItem(SIGNUP);
    } else {
      sessionStorage.setItem(SIGNUP, JSON.stringify(value));
    }
    return value;
  }

  function showCodeScreen(phone) {
    // the number never breaks across lines ("614 490" over "0789")
    $("code-sent").textContent = fmt(T.codeSent, { phone: phone.replace(/ /g, "\u00a0") });
    show("code");
    $("su-code").value = "";
    $("su-code").focus();
  }

  onSubmit($("form-phone"), function (form) {
    var phone = form.phone.value.trim();
    return api("POST", "/otp", { phone: phone }).then(function (result) {
      if (result.ok) {
        signup({ phone: phone });
        showCodeScreen(phone);
      } else if (result.status === 429 && result.data && result.data.code === "otp_wait") {
        signup({ phone: phone });
        showCodeScreen(phone);
        showMessage(result.data.detail, "info");
      } else {
        apiError(form, result);
      }
    });
  });

  $("btn-code-back").addEventListener("click", function () {
    signup(null);
    show("phone");
  });

  onSubmit($("form-code"), function (form) {
    var state = signup();
    var code = form.code.value.trim();
    return api("POST", "/otp/verify", { phone: state.phone, code: code }).then(function (result) {
      if (result.ok) {
        signup({ phone: state.phone, code: code });
        show("profile");
        $("su-name").focus();
      } else {
        apiError(form, result);
      }
    });
  });

  onSubmit($("form-profile"), function (form) {
    var state = signup();
    var pin = form.pin.value.trim();
    var duress = form.duress_pin.value.trim();
    if (!/^\d{4,8}$/.test(pin)) {
      fieldError(form, "pin", T.pinFormat);
      return;
    }
    if (pin !== form.pin2.value.trim()) {
      fieldError(form, "pin2", T.pinMismatch);
      return;
    }
    if (duress && !/^\d{4,8}$/.test(duress)) {
      fieldError(form, "duress_pin", T.pinFormat);
      return;
    }
    if (duress && duress === pin) {
      fieldError(form, "duress_pin", T.duressSame);
      return;
    }
    var checked = form.querySelector('input[name="disguise"]:checked');
    var payload = {
      phone: state.phone,
      code: state.code,
      display_name: form.display_name.value.trim(),
      pin: pin,
      duress_pin: duress,
      disguise: checked ? checked.value : "mia",
    };
    return api("POST", "/register", payload).then(function (result) {
      if (!result.ok) {
        if (result.data && result.data.code === "code") {
          signup({ phone: state.phone });
          show("phone");
          showMessage(result.data.detail);
          return;
        }
        apiError(form, result);
        return;
      }
      store.set(KEYS.token, result.data.token);
      store.set(KEYS.me, result.data.account);
      signup(null);
      form.reset();
      if (result.data.account.disguise !== body.dataset.disguise) {
        sessionStorage.setItem("mia.next", "contacts");
        applyDisguise(result.data.account.disguise);
        return;
      }
      return go("contacts");
    });
  });

  function refreshMe() {
    return api("GET", "/me")
      .then(function (result) {
        if (result.ok) {
          store.set(KEYS.me, result.data);
        }
      })
      .catch(function () {});
  }

  // --- Contacts --------------------------------------------------------------------------------------------

  /** The numbers and text for the sms: fallback, kept on the phone for when there is no connection. */
  function refreshFallback() {
    return api("GET", "/contacts/fallback")
      .then(function (result) {
        if (result.ok) {
          store.set(KEYS.fallback, result.data);
        }
      })
      .catch(function () {});
  }

  function renderContacts(contacts) {
    var list = $("contact-list");
    list.textContent = "";
    contacts.forEach(function (contact) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex align-items-center gap-2";
      item.dataset.contactId = contact.id;
      var text = document.createElement("div");
      text.className = "me-auto mia-contact-text";
      var name = document.createElement("div");
      name.className = "fw-semibold";
      name.textContent = contact.name;
      // Under her name, the masked number and whether she confirmed: the name keeps the row's width.
      var line = document.createElement("div");
      line.className = "d-flex flex-wrap align-items-center column-gap-2";
      var phone = document.createElement("span");
      phone.className = "small text-body-secondary mia-masked";
      phone.textContent = contact.phone_masked;
      var badge = document.createElement("span");
      badge.className = "badge " + (contact.confirmed ? "text-bg-success" : "text-bg-secondary");
      badge.textContent = contact.confirmed ? T.confirmed : T.pending;
      line.append(phone, badge);
      text.append(name, line);
      var warning = window.MIATrust && window.MIATrust.contactWarning(contact, T);
      if (warning) {
        text.append(warning);
      }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-outline-danger";
      remove.textContent = T.remove;
      remove.addEventListener("click", function () {
        removeContact(contact);
      });
      item.append(text, remove);
      // Other scripts add to a contact's row here (mia_contacts.js: her channel, the principal contact).
      document.dispatchEvent(new CustomEvent("mia:contact", { detail: { contact: contact, item: item, line: line } }));
      list.append(item);
    });
    var me = store.get(KEYS.me) || {};
    var full = contacts.length >= (me.max_contacts || 5);
    $("form-contact").hidden = full;
    $("contacts-empty").hidden = contacts.length > 0 && !full;
    $("contacts-empty").textContent = contacts.length ? T.maxReached : T.noContacts;
    $("btn-to-alert").disabled = !contacts.length;
  }

  function loadContacts() {
    return api("GET", "/contacts")
      .then(function (result) {
        if (result.ok) {
          renderContacts(result.data);
          refreshFallback();
        }
        return result;
      })
      .catch(function () {
        showMessage(T.network);
      });
  }

  function removeContact(contact) {
    if (!window.confirm(fmt(T.removeConfirm, { name: contact.name }))) {
      return;
    }
    api("DELETE", "/contacts/" + contact.id)
      .then(function (result) {
        if (!result.ok) {
          apiError(null, result);
        }
        return loadContacts();
      })
      .catch(function () {
        showMessage(T.network);
      });
  }

  onSubmit($("form-contact"), function (form) {
    var payload = { name: form.name.value.trim(), phone: form.phone.value.trim() };
    if (form.channel) {
      payload.channel = form.channel.value;
    }
    if (form.principal) {
      payload.principal = form.principal.checked;
    }
    return api("POST", "/contacts", payload).then(function (result) {
      if (!result.ok) {
        apiError(form, result);
        return;
      }
      form.reset();
      return loadContacts();
    });
  });

  // --- The button: a countdown she can stop, or press and hold ---------------------------------------------

  var countdown = { timer: null, left: 0 };

  // "Enviando la alerta en 5 s": the seconds never break from their unit on a narrow screen.
  function countdownText(seconds) {
    return fmt(T.countdown, { s: seconds }).replace(/(\d+) (\S+)/, "$1\u00a0$2");
  }
  var hold = { timer: null, fired: false };

  function startCountdown() {
    if (countdown.timer) {
      return;
    }
    var me = store.get(KEYS.me) || {};
    countdown.left = me.countdown_seconds || 5;
    $("countdown").hidden = false;
    $("countdown-text").textContent = countdownText(countdown.left);
    $("btn-countdown-stop").focus();
    countdown.timer = setInterval(function () {
      countdown.left -= 1;
      if (countdown.left <= 0) {
        stopCountdown();
        fire();
        return;
      }
      $("countdown-text").textContent = countdownText(countdown.left);
    }, 1000);
  }

  function stopCountdown() {
    clearInterval(countdown.timer);
    countdown.timer = null;
    $("countdown").hidden = true;
  }

  function holdEnd() {
    clearTimeout(hold.timer);
    hold.timer = null;
    $("btn-alert").classList.remove("holding");
  }

  var button = $("btn-alert");
  button.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || countdown.timer) {
      return;
    }
    hold.fired = false;
    button.classList.add("holding");
    hold.timer = setTimeout(function () {
      holdEnd();
      hold.fired = true;
      fire();
    }, HOLD_MS);
  });
  ["pointerup", "pointerleave", "pointercancel"].forEach(function (type) {
    button.addEventListener(type, holdEnd);
  });
  button.addEventListener("contextmenu", function (event) {
    event.preventDefault(); // a long press must not open the phone's menu
  });
  button.addEventListener("click", function () {
    if (hold.fired) {
      hold.fired = false;
      return;
    }
    startCountdown();
  });
  $("btn-countdown-stop").addEventListener("click", stopCountdown);

  // --- The alert -------------------------------------------------------------------------------------------

  var current = null; // {client_id, id, interval}: the alert on screen, also kept in localStorage
  var raising = { timer: null, attempt: 0 };
  var pollTimer = null;

  function saveCurrent() {
    if (current) {
      store.set(KEYS.alert, current);
    } else {
      store.del(KEYS.alert);
    }
  }

  function setStatus(text) {
    $("active-status").textContent = text;
  }

  function showFallback() {
    var cached = store.get(KEYS.fallback);
    $("fallback").hidden = false;
    $("fallback-text").textContent = T.offline;
    var link = $("fallback-link");
    if (cached && cached.numbers && cached.numbers.length) {
      link.href = "sms:" + cached.numbers.join(",") + "?body=" + encodeURIComponent(cached.message);
      link.hidden = false;
    } else {
      link.hidden = true;
    }
  }

  function fire(test) {
    stopCountdown();
    stopLocation();
    current = { client_id: uuid(), id: null, interval: (store.get(KEYS.me) || {}).update_interval_seconds || 120 };
    if (test === true) {
      current.test = true; // a test alert: "PRUEBA" in every message, ended without the PIN
    }
    saveCurrent();
    showActive();
    raising.attempt = 0;
    raise(); // first, before anything else
  }

  function showActive() {
    show("active");
    $("fallback").hidden = true;
    $("cancel-pin").value = "";
    var test = Boolean(current && current.test);
    $("active-title").textContent = test ? T.testTitle : T.activeTitle;
    $("test-active").hidden = !test;
    $("form-cancel").hidden = test;
    renderAcks([]);
    setStatus(T.sending);
    $("location-status").textContent = "";
    if (navigator.onLine === false) {
      showFallback();
    }
  }

  function raise() {
    clearTimeout(raising.timer);
    if (!current || current.id) {
      return;
    }
    var alert = current;
    api("POST", "/alerts", { client_id: alert.client_id, test: Boolean(alert.test) })
      .then(function (result) {
        if (current !== alert) {
          return;
        }
        if (result.ok) {
          alert.id = result.data.id;
          alert.interval = result.data.update_interval_seconds;
          saveCurrent();
          $("fallback").hidden = true;
          setStatus(T.sent);
          startTracking();
          return;
        }
        showFallback();
        if (result.status >= 400 && result.status < 500 && result.status !== 429) {
          apiError(null, result); // retrying will not help (no contacts, signed out): the sms: link will
          return;
        }
        retryLater();
      })
      .catch(function () {
        if (current === alert) {
          showFallback();
          retryLater();
        }
      });
  }

  function retryLater() {
    var delay = Math.min(30000, 1000 * Math.pow(2, raising.attempt));
    raising.attempt += 1;
    raising.timer = setTimeout(raise, delay);
  }

  window.addEventListener("online", function () {
    if (current && !current.id) {
      raising.attempt = 0;
      raise();
    }
  });

  function startTracking() {
    startLocation(current.id, current.interval);
    clearInterval(pollTimer);
    pollTimer = setInterval(poll, POLL_MS);
    poll();
  }

  /** Each contact and the state of her messages (mia-trust.js builds the list). */
  function renderAcks(contacts) {
    window.MIATrust.renderStates($("ack-list"), contacts, T);
  }

  function poll() {
    if (!current || !current.id) {
      return;
    }
    var alert = current;
    api("GET", "/alerts/" + alert.id)
      .then(function (result) {
        if (current !== alert) {
          return;
        }
        if (result.status === 404) {
          finish(T.ended);
          return;
        }
        if (!result.ok) {
          return;
        }
        renderAcks(result.data.contacts || []);
        if (result.data.status !== "active") {
          stopLocation();
          finish(result.data.status === "closed" ? T.ended : "");
        }
      })
      .catch(function () {});
  }

  /** The alert is over for the screen: nothing of it stays on the phone. */
  function finish(text) {
    clearInterval(pollTimer);
    clearTimeout(raising.timer);
    current = null;
    saveCurrent();
    $("cancelled-text").textContent = text || "";
    show("cancelled");
  }

  $("btn-test").addEventListener("click", function () {
    fire(true);
  });

  $("btn-test-end").addEventListener("click", function () {
    if (!current || !current.id) {
      showMessage(T.network);
      return;
    }
    var alert = current;
    api("POST", "/alerts/" + alert.id + "/end-test")
      .then(function (result) {
        if (!result.ok) {
          apiError(null, result);
          return;
        }
        stopLocation();
        finish(T.testEnded);
      })
      .catch(function () {
        showMessage(T.network);
      });
  });

  onSubmit($("form-cancel"), function (form) {
    if (!current || !current.id) {
      showMessage(T.network);
      return;
    }
    var alert = current;
    return api("POST", "/alerts/" + alert.id + "/cancel", { pin: form.pin.value.trim() }).then(function (result) {
      if (!result.ok) {
        form.pin.value = "";
        apiError(form, result);
        return;
      }
      form.pin.value = "";
      // The same screen whichever PIN it was. Location keeps going quietly until the server says the alert
      // has ended: after a real cancellation that is the very next fix; after the duress PIN it is not.
      geo.quiet = true;
      probeLocation();
      finish("");
    });
  });

  // --- Location --------------------------------------------------------------------------------------------

  var geo = { alertId: null, watchId: null, latest: null, sentAt: 0, sentStamp: null, timer: null, retry: null, resend: null };

  function locStatus(text) {
    if (!geo.quiet) {
      $("location-status").textContent = text;
    }
  }

  function startLocation(alertId, interval) {
    stopLocation();
    geo.alertId = alertId;
    geo.quiet = false;
    if (!("geolocation" in navigator)) {
      locStatus(T.noLocation);
      return;
    }
    locStatus(T.locating);
    watch();
    geo.timer = setInterval(tick, Math.max(30, interval || 120) * 1000);
    if (navigator.permissions && navigator.permissions.query) {
      navigator.permissions
        .query({ name: "geolocation" })
        .then(function (status) {
          status.onchange = function () {
            if (geo.alertId && status.state === "granted" && !geo.latest) {
              watch();
            }
          };
        })
        .catch(function () {});
    }
  }

  function stopLocation() {
    if (geo.watchId !== null) {
      navigator.geolocation.clearWatch(geo.watchId);
    }
    clearInterval(geo.timer);
    clearTimeout(geo.retry);
    clearTimeout(geo.resend);
    geo.alertId = null;
    geo.watchId = null;
    geo.latest = null;
    geo.sentAt = 0;
    geo.sentStamp = null;
  }

  function watch() {
    if (geo.watchId !== null) {
      navigator.geolocation.clearWatch(geo.watchId);
    }
    geo.watchId = navigator.geolocation.watchPosition(onFix, onGeoError, {
      enableHighAccuracy: true,
      maximumAge: 10000,
      timeout: 20000,
    });
  }

  function onFix(position) {
    geo.latest = position;
    clearTimeout(geo.retry);
    if (!geo.sentAt) {
      sendFix(position); // the first fix goes at once; then one per interval
    }
  }

  function onGeoError() {
    if (geo.latest || !geo.alertId) {
      return;
    }
    locStatus(T.noLocation);
    // Permission may be granted later, or the fix may come: keep asking while the alert lasts.
    clearTimeout(geo.retry);
    geo.retry = setTimeout(function () {
      if (geo.alertId && !geo.latest) {
        watch();
      }
    }, 3000);
  }

  function tick() {
    if (!geo.alertId) {
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        geo.latest = position;
        sendFix(position);
      },
      function () {
        if (geo.latest) {
          sendFix(geo.latest);
        }
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: 20000 }
    );
  }

  function probeLocation() {
    if (geo.latest && geo.alertId) {
      geo.sentStamp = null;
      sendFix(geo.latest);
    } else {
      stopLocation();
    }
  }

  /** A fix as the API takes it (an alert's location, a trip timer's position). */
  function fixPayload(position) {
    var coords = position.coords;
    return {
      lat: coords.latitude,
      lon: coords.longitude,
      accuracy: coords.accuracy || 0,
      captured_at: new Date(position.timestamp).toISOString(),
    };
  }

  /** Sends a fix; ``key`` is given only when resending one that did not get through, so the server stores it
   * once even when the first answer was lost. */
  function sendFix(position, key) {
    var alertId = geo.alertId;
    if (!alertId || position.timestamp === geo.sentStamp) {
      return;
    }
    var coords = position.coords;
    var payload = fixPayload(position);
    geo.sentAt = Date.now();
    key = key || uuid();
    api("POST", "/alerts/" + alertId + "/locations", payload, key)
      .then(function (result) {
        if (geo.alertId !== alertId) {
          return;
        }
        if (result.ok) {
          geo.sentStamp = position.timestamp;
          locStatus(fmt(T.located, { time: clock(position.timestamp), m: Math.round(coords.accuracy || 0) }));
        } else if (result.status === 401 || result.status === 404 || (result.data && result.data.code === "inactive")) {
          stopLocation();
        } else {
          resendSoon(alertId, position, key);
        }
      })
      .catch(function () {
        resendSoon(alertId, position, key);
      });
  }

  /** A fix that did not get through (no connection, server busy) is sent again shortly, not at the next tick. */
  function resendSoon(alertId, failed, key) {
    if (geo.alertId !== alertId) {
      return;
    }
    clearTimeout(geo.resend);
    geo.resend = setTimeout(function () {
      if (geo.alertId === alertId && geo.latest && geo.latest.timestamp !== geo.sentStamp) {
        // The same fix again keeps its key; a newer one is a new send.
        sendFix(geo.latest, geo.latest.timestamp === failed.timestamp ? key : undefined);
      }
    }, 5000);
  }

  // --- For the app's other scripts (mia-timer.js, mia_contacts.js): the helpers they share, and a hook to show
  // an alert ---

  var screens = {}; // name -> function run when go(name) shows the screen "screen-<name>"

  window.MIA = {
    T: T,
    api: api,
    store: store,
    show: show,
    screens: screens,
    fmt: fmt,
    clock: clock,
    uuid: uuid,
    onSubmit: onSubmit,
    apiError: apiError,
    showMessage: showMessage,
    loadContacts: loadContacts,
    fixPayload: fixPayload,
    /** Whether an alert is on screen (being raised or under way). */
    alertOnScreen: function () {
      return Boolean(current);
    },
    /** Show an alert the server raised (a timer that ran out) as if she had pressed the button; false when it
     * is already on screen. */
    resumeAlert: function (alert) {
      if (current && current.id === alert.id) {
        return false;
      }
      stopLocation();
      current = { client_id: null, id: alert.id, interval: alert.update_interval_seconds };
      saveCurrent();
      showActive();
      setStatus(T.sent);
      startTracking();
      return true;
    },
  };

  // --- Start -----------------------------------------------------------------------------------------------

  document.querySelectorAll("[data-go]").forEach(function (el) {
    el.addEventListener("click", function () {
      go(el.dataset.go);
    });
  });

  if ("serviceWorker" in navigator && body.dataset.sw) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch(function () {});
  }

  function start() {
    if (!store.get(KEYS.token)) {
      var state = signup();
      if (state.code) {
        show("profile");
      } else if (state.phone) {
        showCodeScreen(state.phone);
      } else {
        show("phone");
      }
      return;
    }
    var saved = store.get(KEYS.alert);
    if (saved) {
      // An alert was on screen when the app closed: carry on with it.
      current = saved;
      showActive();
      if (current.id) {
        setStatus(T.sent);
        startTracking();
      } else {
        raise();
      }
      refreshMe();
      return;
    }
    var next = sessionStorage.getItem("mia.next");
    sessionStorage.removeItem("mia.next");
    refreshMe();
    if (next === "contacts") {
      go("contacts");
      return;
    }
    show("alert");
    api("GET", "/contacts")
      .then(function (result) {
        if (result.ok && !result.data.length) {
          go("contacts");
        } else if (result.ok) {
          refreshFallback();
        }
      })
      .catch(function () {});
  }

  start();
})();
