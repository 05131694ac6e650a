/* bantin: the bulletin page's "copy link" button, shown where the browser can copy. */
(function () {
  var button = document.querySelector('.share-copy');
  if (!button || !navigator.clipboard) return;
  button.style.visibility = 'visible';
  button.addEventListener('click', function () {
    navigator.clipboard.writeText(button.dataset.url).then(function () {
      button.textContent = button.dataset.done;
    });
  });
})();
