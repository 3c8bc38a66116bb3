/**
 * MIA: what she sees of her alert's messages, per contact, as it happens (the "Who has answered" list), and the
 * warning under a contact whose number failed twice. Loaded before mia.js, which calls these two functions;
 * they only build DOM (text nodes, never HTML: names come from her).
 *
 * Each contact: her name, then one line per message (its channel and state in words: enviado, entregado,
 * leído, no entregado; "reenviado por SMS" for the SMS sent again when a WhatsApp did not arrive), or
 * "confirmó" once she answered. Words, not colour only; the list is aria-live in the page.
 */
(function () {
  "use strict";

  function fmt(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return params[key] === undefined ? "" : String(params[key]);
    });
  }

  function clock(value) {
    var date = new Date(value);
    return date.toLocaleTimeString("es-MX", { hour: "2-digit", minute: "2-digit" });
  }

  /** The list of her contacts and their messages' states (the API's ``contacts`` of an alert). */
  function renderStates(list, contacts, T) {
    list.textContent = "";
    if (!contacts.length) {
      var none = document.createElement("li");
      none.className = "list-group-item text-body-secondary";
      none.textContent = T.noAcks;
      list.append(none);
      return;
    }
    contacts.forEach(function (contact) {
      var item = document.createElement("li");
      var acknowledged = contact.state === "acknowledged";
      item.className = "list-group-item mia-contact-state" + (acknowledged ? " list-group-item-success mia-ack" : "");
      item.dataset.state = contact.state;
      var name = document.createElement("div");
      name.className = "fw-semibold";
      name.textContent = contact.name;
      item.append(name);
      if (acknowledged) {
        var ack = document.createElement("div");
        ack.dataset.testid = "contact-ack";
        ack.textContent = fmt(T.ackAt, { time: clock(contact.acknowledged_at) });
        item.append(ack);
      }
      contact.messages.forEach(function (message) {
        var line = document.createElement("div");
        line.className = "small" + (message.state === "failed" ? " text-danger fw-semibold" : "");
        line.dataset.channel = message.channel;
        line.dataset.state = message.state;
        var channel = (T.channels || {})[message.channel] || message.channel;
        if (message.fallback) {
          channel = channel + " (" + T.fallback + ")";
        }
        line.textContent = channel + ": " + ((T.states || {})[message.state] || message.state);
        item.append(line);
      });
      list.append(item);
    });
  }

  /** One line under a contact whose number did not receive two messages: she should check it. */
  function contactWarning(contact, T) {
    if (!contact.delivery_problem) {
      return null;
    }
    var warning = document.createElement("div");
    warning.className = "small text-danger mia-contact-warning";
    warning.dataset.testid = "delivery-problem";
    warning.textContent = T.deliveryProblem;
    return warning;
  }

  window.MIATrust = { renderStates: renderStates, contactWarning: contactWarning };
})();
