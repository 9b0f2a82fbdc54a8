// Logo previews: show a chosen file before it is uploaded, with its size in pixels, so a
// publisher sees at once whether it fits its slot. The server still checks every file.
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-logo-preview]").forEach(function (input) {
    var figure = document.querySelector('[data-preview-for="' + input.id + '"]');
    if (!figure) return;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var want = input.dataset.width + " × " + input.dataset.height;
        var got = img.naturalWidth + " × " + img.naturalHeight;
        var caption = document.createElement("figcaption");
        caption.textContent = got === want ? got : got + " ≠ " + want;
        img.alt = "";
        figure.replaceChildren(img, caption);
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        figure.replaceChildren();
      };
      img.src = url;
    });
  });
})();
