// day2 report: filters, paging, incident details, copy buttons. No request
// leaves the page; text from the report is moved as text, never as markup.
(function () {
  'use strict';
  var d = document;
  function $(id) { return d.getElementById(id); }
  function all(sel, root) { return Array.prototype.slice.call((root || d).querySelectorAll(sel)); }

  // ---------------------------------------------------------------- findings
  var form = $('filters');
  var groups = all('details.rule');
  var state = groups.map(function (g) {
    var counts = {};
    all('[data-ns]', g).forEach(function (e) {
      if (e.tagName === 'TR' && e.parentNode.parentNode.classList.contains('rows')) return;
      counts[e.getAttribute('data-ns')] = +(e.getAttribute('data-n') || e.lastElementChild.textContent);
    });
    var rows = all('table.rows tbody tr', g);
    return {
      g: g, rows: rows, counts: counts, limit: +g.querySelector('table.rows').getAttribute('data-page'),
      text: (g.querySelector('summary').textContent).toLowerCase(), rowText: null,
      page: +g.querySelector('table.rows').getAttribute('data-page')
    };
  });

  function val(id) { var e = $(id); return e ? e.value : ''; }

  function pager(s, matched, n) {
    var p = s.g.querySelector('.pager');
    while (p.firstChild) p.removeChild(p.firstChild);
    if (matched.length < n && val('f-ns')) {
      var note = d.createElement('span');
      note.className = 'muted';
      note.textContent = (n - matched.length) + ' more in this namespace beyond the rows this page holds (-o json lists them).';
      p.appendChild(note);
    }
    matched.forEach(function (r, i) { r.hidden = i >= s.limit; });
    if (matched.length > s.limit) {
      var left = matched.length - s.limit;
      var b = d.createElement('button');
      b.type = 'button';
      b.className = 'more-rows';
      b.textContent = 'Show ' + Math.min(left, s.page) + ' more (' + left + ' not shown)';
      b.addEventListener('click', function () {
        s.limit += s.page;
        apply(false);
        var next = matched[s.limit - s.page];
        if (next) { next.tabIndex = -1; next.focus(); }
      });
      var info = d.createElement('span');
      info.className = 'muted';
      info.textContent = 'rows 1–' + s.limit + ' of ' + matched.length;
      p.appendChild(info);
      p.appendChild(b);
    }
  }

  function apply(reset) {
    var lp = val('f-loop'), sv = val('f-sev'), ns = val('f-ns'), ru = val('f-rule');
    var q = val('f-q').trim().toLowerCase();
    var shown = 0, shownRules = 0;
    state.forEach(function (s) {
      var g = s.g;
      if (reset) s.limit = s.page;
      var ok = (!lp || g.getAttribute('data-loop') === lp) &&
        (!sv || g.getAttribute('data-sev') === sv) &&
        (!ru || g.getAttribute('data-rule') === ru);
      var n = +g.getAttribute('data-count');
      if (ok && ns) { n = s.counts[ns] || 0; ok = n > 0; }
      var matched = [];
      if (ok) {
        if (q && !s.rowText) s.rowText = s.rows.map(function (r) { return r.textContent.toLowerCase(); });
        var whole = !q || s.text.indexOf(q) >= 0;
        s.rows.forEach(function (r, i) {
          var m = (!ns || r.getAttribute('data-ns') === ns) && (whole || s.rowText[i].indexOf(q) >= 0);
          if (m) matched.push(r); else r.hidden = true;
        });
        if (q && !whole) { n = matched.length; ok = n > 0; }
      }
      g.hidden = !ok;
      if (ok) {
        shown += n; shownRules += 1;
        pager(s, matched, n);
        if (lp || sv || ns || ru || q) g.open = true;
      }
    });
    var status = $('f-status');
    if (status) {
      status.textContent = shown + (shown === 1 ? ' finding' : ' findings') + ' in ' +
        shownRules + (shownRules === 1 ? ' rule' : ' rules');
    }
    var none = $('f-none');
    if (none) none.hidden = shownRules > 0;
  }

  if (form) {
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    ['f-loop', 'f-sev', 'f-ns', 'f-rule'].forEach(function (id) {
      $(id).addEventListener('change', function () { apply(true); });
    });
    var timer = 0;
    $('f-q').addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { apply(true); }, 120);
    });
    form.addEventListener('reset', function () { setTimeout(function () { apply(true); }, 0); });
    apply(true);
  }
  if (window.performance && performance.mark) performance.mark('day2-findings');

  // The loop picture: a loop filters the findings.
  all('a.loopnode').forEach(function (a) {
    a.addEventListener('click', function (e) {
      var sel = $('f-loop');
      if (!sel) return;
      var l = a.getAttribute('data-loop');
      if (!Array.prototype.some.call(sel.options, function (o) { return o.value === l; })) return;
      e.preventDefault();
      sel.value = l;
      apply(true);
      $('findings').scrollIntoView();
      sel.focus();
    });
  });

  // ---------------------------------------------------------------- incidents
  all('a.ev').forEach(function (a) {
    var id = a.getAttribute('data-ev');
    var svg = a.closest('svg');
    var box = svg && svg.parentNode.querySelector('.evdetail');
    function show() {
      var item = $(id);
      if (!box || !item) return;
      all('a.ev.on, li.on, tr.on').forEach(function (e) { e.classList.remove('on'); });
      a.classList.add('on');
      item.classList.add('on');
      box.textContent = '';
      var num = d.createElement('strong');
      num.textContent = a.querySelector('.marknum').textContent + '. ';
      box.appendChild(num);
      box.appendChild(d.createTextNode((item.innerText || item.textContent).replace(/\s*\n\s*/g, ' · ').replace(/\s+/g, ' ').trim()));
      box.hidden = false;
    }
    a.addEventListener('focus', show);
    a.addEventListener('mouseenter', show);
  });

  // ---------------------------------------------------------------- copy
  all('button.copy').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      var pre = $(b.getAttribute('data-copy'));
      if (!pre) return;
      var text = pre.textContent;
      function done(ok) { b.textContent = ok ? 'Copied' : 'Select and copy'; setTimeout(function () { b.textContent = 'Copy'; }, 1500); }
      function fallback() {
        var r = d.createRange();
        r.selectNodeContents(pre);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(r);
        var ok = false;
        try { ok = d.execCommand('copy'); } catch (e) { ok = false; }
        done(ok);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
      } else {
        fallback();
      }
    });
  });

  // ---------------------------------------------------------------- print
  window.addEventListener('beforeprint', function () {
    all('details').forEach(function (e) { e.setAttribute('data-was', e.open ? '1' : '0'); e.open = true; });
  });
  window.addEventListener('afterprint', function () {
    all('details[data-was]').forEach(function (e) { e.open = e.getAttribute('data-was') === '1'; e.removeAttribute('data-was'); });
  });
})();
