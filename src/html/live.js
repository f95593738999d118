// The live page: follows the change log's events and, on each new change,
// fetches the page's own URL (the same filters) and puts its <main> in
// place of this one, then says so in the #updated marker. Plain script, no
// library; the page reads without it.
(function () {
  'use strict';
  var marker = document.getElementById('updated');
  if (!marker || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var events = 0; // change events received
  var unseen = 0; // of which not yet shown
  var busy = false; // a refresh is in flight
  var again = false; // and another was asked for meanwhile

  function two(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function clock() {
    var d = new Date();
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  function say(text, offline) {
    marker.textContent = text;
    marker.className = offline ? 'offline' : '';
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    var shown = unseen;
    fetch(window.location.href, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'text/html' }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html');
        var fresh = page.querySelector('main');
        var main = document.querySelector('main');
        if (!fresh || !main) {
          throw new Error('the page has no <main>');
        }
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        unseen -= shown;
        marker.setAttribute('data-events', String(events));
        say('Updated ' + clock() + ': ' + shown + ' new change' + (shown === 1 ? '' : 's'), false);
      })
      .catch(function (error) {
        say('Could not update the page (' + error.message + '); reload to see new changes', true);
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var source = new EventSource('/api/events');
  source.addEventListener('change', function () {
    events += 1;
    unseen += 1;
    refresh();
  });
  source.addEventListener('error', function () {
    if (source.readyState === EventSource.CLOSED) {
      say('Live updates stopped; reload the page to see new changes', true);
    }
  });
})();
