/*
 * A table that scrolls sideways in its own box (.table-responsive, on a phone) must be reachable with the
 * keyboard, or its hidden columns can only be seen with a finger or a mouse (WCAG 2.1.1; axe's
 * scrollable-region-focusable). While the box scrolls it takes a place in the tab order (tabindex="0") and is
 * named after its table's caption or the heading before it; when it fits again it leaves the tab order.
 * Loaded by base.html on every staff page; without JavaScript the table still scrolls with a finger.
 */
(function () {
  'use strict';

  function labelOf(box) {
    const caption = box.querySelector('caption');
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    let node = box.previousElementSibling;
    while (node) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
      node = node.previousElementSibling;
    }
    return '';
  }

  function update(box) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute('tabindex')) {
      box.setAttribute('tabindex', '0');
      box.dataset.scrollRegion = '';
      const label = labelOf(box);
      if (label && !box.hasAttribute('aria-label')) {
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', label);
      }
    } else if (!scrolls && 'scrollRegion' in box.dataset) {
      box.removeAttribute('tabindex');
      box.removeAttribute('role');
      box.removeAttribute('aria-label');
      delete box.dataset.scrollRegion;
    }
  }

  function watch(root) {
    const boxes = root.querySelectorAll('.table-responsive');
    if (!boxes.length) return;
    const observer = 'ResizeObserver' in window
      ? new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target)))
      : null;
    boxes.forEach((box) => {
      update(box);
      if (observer) observer.observe(box);
    });
  }

  function start() {
    watch(document);
    // Tables htmx swaps in (a filtered list, a tab loaded on demand) are watched too.
    document.body.addEventListener('htmx:afterSettle', (event) => watch(event.target));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
