// groupd console, Folder tab: drop files on the upload box to upload them
// at once, one request per file, with the CSRF token in X-CSRF-Token.
// The plain form works without this script.
(function () {
  'use strict';
  var form = document.querySelector('form[data-drop]');
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) return;
  var status = form.querySelector('.upload-status');
  form.querySelector('.drop-hint').hidden = false;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle('error', !!failed);
  }

  ['dragenter', 'dragover'].forEach(function (ev) {
    form.addEventListener(ev, function (e) {
      e.preventDefault();
      form.classList.add('dragging');
    });
  });
  ['dragleave', 'drop'].forEach(function (ev) {
    form.addEventListener(ev, function () { form.classList.remove('dragging'); });
  });
  form.addEventListener('drop', function (e) {
    e.preventDefault();
    upload(Array.prototype.slice.call(e.dataTransfer.files));
  });

  // The refusal the server wrote on the page it answered, read without
  // running anything of that page.
  function refusal(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var p = doc.querySelector('[data-upload-error]') || doc.querySelector('main .error, main p');
    return p ? p.textContent : '';
  }

  // One file after the other; the browser streams each from the disk.
  function upload(files) {
    var i = 0;
    function next() {
      if (i === files.length) {
        window.location.assign(form.getAttribute('data-done'));
        return;
      }
      var file = files[i++], body = new FormData();
      body.append('file', file, file.name);
      say(form.getAttribute('data-sending').replace('%s', file.name));
      fetch(form.action, {
        method: 'POST', body: body, credentials: 'same-origin',
        headers: { 'X-CSRF-Token': window.groupd ? window.groupd.csrf() : '' }
      }).then(function (r) {
        if (r.ok) { next(); return; }
        return r.text().then(function (html) { say(refusal(html) || r.statusText, true); });
      }, function () { say(form.getAttribute('data-failed'), true); });
    }
    if (files.length) next();
  }
})();
