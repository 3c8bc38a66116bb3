// Checkbox pickers (core.forms.CheckboxPicker): a filter that narrows the list as one types, accents and case
// ignored ("psicologia" finds "Psicología"), and how many are chosen, filtered out or not. No inline script (CSP).
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUp(picker) {
    var filter = picker.querySelector("[data-picker-filter]");
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-option]"));
    var empty = picker.querySelector("[data-picker-empty]");
    var count = picker.querySelector("[data-picker-count]");

    function showCount() {
      var chosen = picker.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = chosen === 1 ? picker.dataset.countOne : chosen ? picker.dataset.countMany.replace("{n}", chosen) : "";
    }

    function narrow() {
      var words = fold(filter.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var text = fold(option.textContent);
        var match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        option.hidden = !match;
        shown += match ? 1 : 0;
      });
      empty.hidden = shown > 0;
    }

    filter.addEventListener("input", narrow);
    // Enter in the filter must not submit the whole form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    picker.addEventListener("change", showCount);
    narrow();
    showCount();
  }

  function setUpAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-picker]:not([data-picker-ready])"), function (picker) {
      picker.dataset.pickerReady = "1";
      setUp(picker);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpAll(document);
  });
  // Forms that arrive by htmx get their pickers too.
  document.addEventListener("htmx:afterSettle", function (event) {
    setUpAll(event.target);
  });
})();
