/* bantin: the bulletin page's script. Its "copy link" button, shown where the browser can copy;
   its videos, each a link to the video's page until a click plays it in place (nothing is
   fetched from the video's site before: YouTube's player without its cookies); and its sound
   files, each a link until a click plays it in the browser's own player. */
(function () {
  var button = document.querySelector('.share-copy');
  if (button && navigator.clipboard) {
    button.style.visibility = 'visible';
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(button.dataset.url).then(function () {
        button.textContent = button.dataset.done;
      });
    });
  }
  // The addresses bantin writes for a video (src/markdown/video.rs), and each one's player.
  function player(href) {
    var m = /^https:\/\/www\.youtube\.com\/watch\?v=([A-Za-z0-9_-]{11})(?:&t=(\d+)s)?$/.exec(href);
    if (m) return 'https://www.youtube-nocookie.com/embed/' + m[1] + '?autoplay=1' + (m[2] ? '&start=' + m[2] : '');
    m = /^https:\/\/vimeo\.com\/(\d+)$/.exec(href);
    if (m) return 'https://player.vimeo.com/video/' + m[1] + '?autoplay=1&dnt=1';
    if (/^https:\/\/(?:www\.facebook\.com\/(?:watch\/\?v=|reel\/)\d+|fb\.watch\/[A-Za-z0-9_-]+\/)$/.test(href)) {
      return 'https://www.facebook.com/plugins/video.php?autoplay=true&show_text=false&href=' + encodeURIComponent(href);
    }
    m = /^https:\/\/www\.tiktok\.com\/@[A-Za-z0-9._]+\/video\/(\d+)$/.exec(href);
    if (m) return 'https://www.tiktok.com/embed/v2/' + m[1];
    return null;
  }
  var links = document.querySelectorAll('figure.video > a.video-link');
  for (var i = 0; i < links.length; i++) {
    links[i].addEventListener('click', function (event) {
      var link = event.currentTarget, src = player(link.getAttribute('href'));
      if (!src) return;
      event.preventDefault();
      var frame = document.createElement('iframe');
      frame.src = src;
      frame.title = link.textContent;
      frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
      frame.allowFullscreen = true;
      frame.referrerPolicy = 'strict-origin-when-cross-origin';
      link.replaceWith(frame);
      frame.focus();
    });
  }
  var sounds = document.querySelectorAll('figure.audio > a.audio-link');
  for (var j = 0; j < sounds.length; j++) {
    sounds[j].addEventListener('click', function (event) {
      var link = event.currentTarget, figure = link.parentNode;
      event.preventDefault();
      var audio = document.createElement('audio');
      audio.controls = true;
      audio.src = link.href;
      figure.insertBefore(audio, link);
      figure.classList.add('playing');
      audio.focus();
      var played = audio.play();
      if (played && played.catch) played.catch(function () {});
    });
  }
})();
