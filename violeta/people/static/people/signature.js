// Her signature on a consent, drawn at the desk: a canvas for finger, stylus or mouse (pointer events).
// Without this script the page offers only verbal consent before a witness; with it, the signature option is
// enabled and what she draws is sent as a PNG data URL in the hidden field "signature" (checked on the server).
(function () {
  "use strict";
  var form = document.querySelector("[data-consent-form]");
  if (!form) return;
  var pad = form.querySelector("[data-signature-pad]");
  var canvas = form.querySelector("[data-signature-canvas]");
  var option = form.querySelector("[data-signature-option]");
  var clear = form.querySelector("[data-signature-clear]");
  var field = form.querySelector("input[name=signature]");
  if (!pad || !canvas || !option || !field || !canvas.getContext) return;

  var ctx = canvas.getContext("2d");
  var drawing = false;
  var inked = false;
  var last = null;

  option.disabled = false;
  pad.classList.remove("d-none");
  canvas.style.touchAction = "none"; // the finger draws instead of scrolling the page
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#1a1a1a";

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height,
    };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    drawing = true;
    last = point(event);
    option.checked = true;
    if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
    inked = true;
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    event.preventDefault();
    var next = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
  });
  function stop() {
    drawing = false;
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointerleave", stop);

  if (clear) {
    clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
      field.value = "";
    });
  }

  form.addEventListener("submit", function () {
    field.value = option.checked && inked ? canvas.toDataURL("image/png") : "";
  });
})();
