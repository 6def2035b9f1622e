// groupd Messages tab: new posts arrive without a reload, through
// server-sent events (EventSource). Without this script the page works
// the same; a reload shows new posts.
(function () {
  'use strict';

  var box = document.getElementById('threads');
  if (!box) return;
  var end = document.getElementById('end');

  // The newest post is at the bottom: start there, as a chat room does.
  // (A refused post comes back with the #fragment of its form.)
  if (!location.hash && end) end.scrollIntoView({ block: 'end' });

  var url = box.getAttribute('data-events');
  if (!url || !window.EventSource) return;

  function fragment(html) {
    var t = document.createElement('template');
    t.innerHTML = html.trim(); // rendered and escaped by the server's templates
    return t.content;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  // The thread a new post belongs to: one holding a message it refers
  // to, else for a bare "Re:" the latest with the same subject.
  function findThread(ev) {
    var byId = {};
    box.querySelectorAll('article[data-msgid]').forEach(function (a) {
      byId[a.getAttribute('data-msgid')] = a;
    });
    var refs = ev.refs || [];
    for (var i = refs.length - 1; i >= 0; i--) {
      if (byId[refs[i]]) return byId[refs[i]].closest('.thread');
    }
    if (ev.reply && refs.length === 0 && ev.norm) {
      var ts = box.querySelectorAll('.thread');
      for (var j = ts.length - 1; j >= 0; j--) {
        if (ts[j].getAttribute('data-norm') === ev.norm) return ts[j];
      }
    }
    return null;
  }

  function addPost(ev) {
    if (document.getElementById('m' + ev.uid)) return;
    var follow = nearBottom();
    var thread = findThread(ev);
    if (thread) {
      thread.querySelector('.posts').appendChild(fragment(ev.post));
      var reply = thread.querySelector('input[name=reply]');
      if (reply) reply.value = ev.uid;
      // The thread with the newest post goes last, unless the user is
      // typing in it (moving it would take the focus away).
      if (!thread.contains(document.activeElement)) box.appendChild(thread);
    } else {
      box.appendChild(fragment(ev.thread));
      var empty = document.getElementById('msg-empty');
      if (empty) empty.hidden = true;
    }
    var post = document.getElementById('m' + ev.uid);
    if (post) {
      post.classList.add('new');
      if (follow) post.scrollIntoView({ block: 'end' });
    }
  }

  function stopped() {
    var note = document.getElementById('msg-live');
    if (note) note.hidden = false;
  }

  var es = new EventSource(url);
  es.addEventListener('post', function (e) {
    try { addPost(JSON.parse(e.data)); } catch (x) { /* a malformed event: skip it */ }
  });
  // "end": access is gone (removed from the group, signed out).
  es.addEventListener('end', function () { es.close(); stopped(); });
  es.onerror = function () { if (es.readyState === EventSource.CLOSED) stopped(); };
})();
