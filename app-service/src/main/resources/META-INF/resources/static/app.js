// Copy buttons: progressive enhancement; the short URL is visible and selectable without JavaScript.
document.addEventListener('click', function (event) {
  var button = event.target.closest('button.copy');
  if (!button) return;
  var text = button.getAttribute('data-copy');
  var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { window.prompt('Copy:', text); });
  } else {
    window.prompt('Copy:', text);
  }
});
