/*
 * MIA: what a contact's row says beyond her name and number: the channel her alerts go by (SMS, WhatsApp, both)
 * and whether she is the principal contact (the one called when nobody answers), with a button to make her so.
 * mia.js announces each row it draws with the "mia:contact" event; this adds to it. No inline code (CSP).
 */
(function () {
  "use strict";

  var T = JSON.parse(document.getElementById("mia-i18n").textContent);

  function badge(text, kind) {
    var span = document.createElement("span");
    span.className = "badge " + kind;
    span.textContent = text;
    return span;
  }

  function makePrincipal(contact, button) {
    var app = window.MIA;
    button.disabled = true;
    app
      .api("PATCH", "/contacts/" + contact.id, { principal: true })
      .then(function (result) {
        if (!result.ok) {
          app.showMessage((result.data && result.data.detail) || T.error);
        }
        return app.loadContacts();
      })
      .catch(function () {
        app.showMessage(T.network);
        button.disabled = false;
      });
  }

  document.addEventListener("mia:contact", function (event) {
    var contact = event.detail.contact;
    var line = event.detail.line;
    var channel = contact.channel || "sms";
    var shown = badge(T["channel_" + channel] || channel, "text-bg-light border mia-channel");
    shown.dataset.channel = channel;
    line.append(shown);
    if (contact.principal) {
      line.append(badge(T.principal, "text-bg-primary mia-principal"));
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 mia-make-principal";
    button.textContent = T.makePrincipal;
    button.addEventListener("click", function () {
      makePrincipal(contact, button);
    });
    line.append(button);
  });
})();
