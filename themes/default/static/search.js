/* bantin search page: the form, the results and the facets on /search/. The engine
 * (search-engine.js, docs/search-format.md) is loaded when a reader is about to search.
 * Everything that came from content reaches the page through textContent, never innerHTML. */
(function () {
  'use strict';

  var RESULTS_PER_PAGE = 10;

  /* ---- The search page. ---- */
  function startPage() {
    var root = document.getElementById('search');
    if (!root) return;
    var t = root.dataset;
    var siteRoot = t.root || './';
    /* The engine (search-engine.js) is loaded when a reader is about to search: the page
     * itself costs only this file before the first query. */
    var api = null;
    var engine = null;
    var loading = null;
    function ready() {
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          var script = document.createElement('script');
          script.src = t.engine;
          script.onload = function () {
            api = window.bantinSearch;
            /* A theme may set data-whole-postings (the lists a query reads whole, before
             * heads: docs/search-format.md). */
            engine = api.createEngine(t.index || 'index/', undefined, { wholePostings: Number(t.wholePostings) || 0 });
            resolve();
          };
          script.onerror = function () { loading = null; reject(new Error('search engine')); };
          document.head.appendChild(script);
        });
      }
      return loading;
    }
    var form = document.getElementById('search-form');
    var input = document.getElementById('search-q');
    var newest = document.getElementById('search-newest');
    var status = document.getElementById('search-status');
    var list = document.getElementById('search-results');
    var facetBox = document.getElementById('search-facets');
    var more = document.getElementById('search-more');
    var notice = document.getElementById('search-noscript');
    if (notice) notice.hidden = true;
    form.hidden = false;
    var seq = 0;
    var current = null;
    var timer = null;

    function params() {
      var p = new URLSearchParams(location.search);
      return { q: p.get('q') || '', tag: p.get('tag') || '', author: p.get('author') || '', section: p.get('section') || '', year: p.get('year') || '', sort: p.get('sort') || '' };
    }

    function urlFor(p) {
      var u = new URLSearchParams();
      ['q', 'section', 'tag', 'author', 'year', 'sort'].forEach(function (k) { if (p[k]) u.set(k, p[k]); });
      var s = u.toString();
      return location.pathname + (s ? '?' + s : '');
    }

    function el(name, cls, text) {
      var e = document.createElement(name);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }

    function say(text) {
      status.textContent = text;
    }

    function renderDoc(d, words) {
      var li = el('li', 'result');
      if (d.i) {
        var pic = el('a', 'result-thumb');
        pic.href = siteRoot + d.u;
        pic.tabIndex = -1;
        pic.setAttribute('aria-hidden', 'true');
        var img = el('img');
        img.src = siteRoot + d.i;
        img.alt = '';
        img.loading = 'lazy';
        img.decoding = 'async';
        pic.appendChild(img);
        li.appendChild(pic);
      }
      if (d.c) {
        var kicker = el('p', 'kicker');
        var ka = el('a', null, d.c);
        ka.href = urlFor({ q: current.params.q, section: d.c });
        kicker.appendChild(ka);
        li.appendChild(kicker);
      }
      var h = el('h2', 'result-title');
      var a = el('a', null, d.t);
      a.href = siteRoot + d.u;
      h.appendChild(a);
      li.appendChild(h);
      var meta = el('p', 'meta');
      var time = el('time', null, d.h);
      time.setAttribute('datetime', d.d);
      meta.appendChild(time);
      if (d.a.length) meta.appendChild(document.createTextNode(' · ' + d.a.join(', ')));
      li.appendChild(meta);
      var p = el('p', 'snippet');
      var text = d.s || d.m || '';
      if (d.m && !api.snippet(text, words).some(function (x) { return x.mark; })) text = d.m;
      api.snippet(text, words).forEach(function (piece) {
        p.appendChild(piece.mark ? el('mark', null, piece.text) : document.createTextNode(piece.text));
      });
      li.appendChild(p);
      if (d.g.length) {
        var ul = el('ul', 'tags');
        d.g.forEach(function (g) {
          var tli = el('li');
          var ta = el('a', null, g);
          ta.href = urlFor({ tag: g });
          tli.appendChild(ta);
          ul.appendChild(tli);
        });
        li.appendChild(ul);
      }
      return li;
    }

    function renderFacets(f, p) {
      facetBox.textContent = '';
      [['sections', t.tSections, 'section'], ['tags', t.tTags, 'tag'], ['authors', t.tAuthors, 'author'], ['years', t.tYears, 'year']].forEach(function (spec) {
        var items = f[spec[0]];
        var active = p[spec[2]];
        if (!items.length && !active) return;
        var section = el('section', 'facet');
        section.appendChild(el('h2', null, spec[1]));
        var ul = el('ul');
        if (active) {
          var li = el('li');
          var clear = Object.assign({}, p);
          clear[spec[2]] = '';
          var a = el('a', 'facet-clear', '× ' + active);
          a.href = urlFor(clear);
          li.appendChild(a);
          ul.appendChild(li);
        }
        items.forEach(function (item) {
          if (item.name === active) return;
          var li2 = el('li');
          var next = Object.assign({}, p);
          next[spec[2]] = item.name;
          var a2 = el('a', null, item.name);
          a2.href = urlFor(next);
          li2.appendChild(a2);
          if (item.count !== null) li2.appendChild(el('span', 'count', String(item.count)));
          ul.appendChild(li2);
        });
        section.appendChild(ul);
        facetBox.appendChild(section);
      });
    }

    async function showMore() {
      if (!current) return;
      var mine = seq;
      var from = list.children.length;
      if (from >= current.result.ids.length && current.result.more) {
        /* The results from the heads are all shown: the rest come from the whole lists,
         * after the ones shown. */
        var whole = await engine.search(Object.assign({}, current.query, { full: true }));
        if (mine !== seq) return;
        var seen = new Set(current.result.ids);
        whole.ids = current.result.ids.concat(whole.ids.filter(function (id) { return !seen.has(id); }));
        whole.total = whole.ids.length;
        current.result = whole;
      }
      var ids = current.result.ids.slice(from, from + RESULTS_PER_PAGE);
      var docs = await engine.docs(ids);
      if (mine !== seq) return;
      docs.forEach(function (d) { if (d) list.appendChild(renderDoc(d, current.result.words)); });
      more.hidden = list.children.length >= current.result.total && !current.result.more;
      return docs;
    }

    async function run(p, typing) {
      var mine = ++seq;
      if (!p.q.trim() && !p.tag && !p.author && !p.section && !p.year) {
        list.textContent = '';
        facetBox.textContent = '';
        more.hidden = true;
        say('');
        current = null;
        return;
      }
      say(t.tSearching);
      try {
        await ready();
        if (mine !== seq) return;
        var query = { q: p.q, tag: p.tag, author: p.author, section: p.section, year: p.year, sort: p.sort, typing: typing };
        var result = await engine.search(query);
        if (mine !== seq) return;
        current = { result: result, params: p, query: query };
        list.textContent = '';
        var shown = await showMore();
        if (mine !== seq) return;
        if (!result.total) {
          say(t.tNoResults);
        } else if (result.partial) {
          say(t.tPartial.replace('{n}', result.total));
        } else if (result.phraseMissing) {
          say(t.tNoPhrase.replace('{n}', result.total));
        } else {
          say((result.more ? t.tResultsMore : t.tResults).replace('{n}', result.total));
        }
        if (result.corrected && result.total) {
          status.textContent = t.tCorrected.replace('{q}', result.corrected) + ' ' + status.textContent;
        }
        renderFacets(await engine.facets(result, shown || []), p);
      } catch (e) {
        if (mine === seq) say(t.tError);
      }
    }

    function fromForm() {
      var p = params();
      p.q = input.value;
      p.sort = newest.checked ? 'new' : '';
      return p;
    }

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      var p = fromForm();
      history.pushState(null, '', urlFor(p));
      run(p, false);
    });
    input.addEventListener('focus', function () { ready().catch(function () {}); });
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var p = fromForm();
        history.replaceState(null, '', urlFor(p));
        run(p, true);
      }, 150);
    });
    newest.addEventListener('change', function () {
      var p = fromForm();
      history.pushState(null, '', urlFor(p));
      run(p, false);
    });
    more.addEventListener('click', function () { showMore(); });
    window.addEventListener('popstate', function () {
      var p = params();
      input.value = p.q;
      newest.checked = p.sort === 'new';
      run(p, false);
    });
    /* Arrow keys move between the search box and the results. */
    root.addEventListener('keydown', function (ev) {
      if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
      var links = Array.from(list.querySelectorAll('.result-title a'));
      if (!links.length) return;
      var at = links.indexOf(document.activeElement);
      if (document.activeElement === input && ev.key === 'ArrowDown') at = -1;
      else if (at < 0) return;
      var next = at + (ev.key === 'ArrowDown' ? 1 : -1);
      ev.preventDefault();
      if (next < 0) input.focus();
      else if (next < links.length) links[next].focus();
    });

    var initial = params();
    input.value = initial.q;
    newest.checked = initial.sort === 'new';
    run(initial, false);
  }


  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startPage);
    else startPage();
  }
})();
