// groupd console, event form: hide the start and end times while "All
// day" is ticked. Without this script both stay visible and the server
// ignores the times of an all-day event.
(function () {
  'use strict';
  document.querySelectorAll('form.eventform').forEach(function (f) {
    var box = f.querySelector('input[name=allday]');
    var times = f.querySelector('.times');
    if (!box || !times) return;
    var update = function () { times.hidden = box.checked; };
    box.addEventListener('change', update);
    update();
  });
})();
