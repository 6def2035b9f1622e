// groupd console: small enhancements only. Every page works without this.
(function () {
  'use strict';

  // Dates are shown in the browser's time zone: tell the server which.
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf('tz=' + tz) < 0) {
      document.cookie = 'tz=' + tz + ';path=/;max-age=31536000;samesite=lax';
    }
  } catch (e) { /* no Intl: UTC */ }

  function csrf() {
    var f = document.querySelector('input[name=_csrf]');
    return f ? f.value : '';
  }

  // A list of suggestions under an input, filled from a JSON route.
  function suggester(input, list, url, key, render, pick) {
    var timer = null, seq = 0;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = currentTerm(input);
        if (!q) { list.hidden = true; return; }
        var mine = ++seq;
        fetch(url + '?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : {}; })
          .then(function (data) {
            if (mine !== seq) return;
            var items = data[key] || [];
            list.textContent = '';
            items.forEach(function (it) { list.appendChild(render(it, pick)); });
            list.hidden = items.length === 0;
          });
      }, 80);
    });
    input.addEventListener('keydown', function (e) { if (e.key === 'Escape') list.hidden = true; });
    document.addEventListener('click', function (e) { if (!list.contains(e.target) && e.target !== input) list.hidden = true; });
  }

  // The term being typed: the whole value, or the last line of a textarea.
  function currentTerm(el) {
    if (el.tagName !== 'TEXTAREA') return el.value.trim();
    var parts = el.value.split(/[\n,;]/);
    return parts[parts.length - 1].trim();
  }

  // Search box: groups as you type, each a link to its page.
  var search = document.querySelector('input[data-suggest]');
  if (search) {
    var box = document.getElementById('group-suggest');
    suggester(search, box, search.getAttribute('data-suggest'), 'groups', function (g) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = '/g/' + encodeURIComponent(g.id);
      a.textContent = g.name;
      var small = document.createElement('small');
      small.textContent = g.address;
      a.appendChild(small);
      li.appendChild(a);
      return li;
    });
  }

  // People pickers: textareas of addresses, with names suggested.
  document.querySelectorAll('textarea[data-picker]').forEach(function (ta) {
    var wrap = document.createElement('div');
    wrap.className = 'picker';
    ta.parentNode.insertBefore(wrap, ta);
    wrap.appendChild(ta);
    var list = document.createElement('ul');
    list.className = 'suggest';
    list.hidden = true;
    list.setAttribute('role', 'listbox');
    wrap.appendChild(list);
    suggester(ta, list, ta.getAttribute('data-picker'), 'people', function (p) {
      var li = document.createElement('li'), b = document.createElement('button');
      b.type = 'button';
      b.textContent = p.name;
      var small = document.createElement('small');
      small.textContent = p.email;
      b.appendChild(small);
      b.addEventListener('click', function () {
        var lines = ta.value.split('\n');
        lines[lines.length - 1] = p.email;
        ta.value = lines.join('\n') + '\n';
        list.hidden = true;
        ta.focus();
      });
      li.appendChild(b);
      return li;
    });
  });

  // Live character counters, counted in characters (Korean included).
  document.querySelectorAll('[data-count]').forEach(function (el) {
    var max = parseInt(el.getAttribute('data-count'), 10);
    var out = el.parentNode.nextElementSibling;
    if (!out || !out.classList.contains('counter')) return;
    var update = function () {
      var n = Array.from(el.value).length;
      out.textContent = n + ' / ' + max;
      out.classList.toggle('over', n > max);
    };
    el.addEventListener('input', update);
    update();
  });

  // Confirmation before forms that delete.
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault();
    });
  });

  window.groupd = { csrf: csrf };
})();
