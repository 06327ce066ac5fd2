// The receipt page's copy and print buttons: shown only where they work (the page is
// complete without them, and the secret can be selected and copied by hand).
(function () {
  var said = document.querySelector(".copied");
  document.querySelectorAll("button.copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      navigator.clipboard.writeText(field.value).then(function () {
        if (said) said.textContent = button.textContent.replace("Copy", "Copied") + ".";
      });
    });
  });
  document.querySelectorAll("button.print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
