/* bantin search: reads the static index in search/ (format v1, docs/search-format.md) and
 * shows results on /search/. Plain JavaScript, no framework, no build step. Everything that
 * came from content reaches the page through textContent, never innerHTML. The same file runs
 * in Node (module.exports) for the benchmark. */
(function () {
  'use strict';

  var FORMAT_VERSION = 3;
  var RESULTS_PER_PAGE = 10;
  /* Ranking: a bulletin with the words adjacent and in order outranks scattered ones. */
  var ADJACENT_BONUS = 100;
  /* …and one spelled exactly as an unmarked query was typed outranks other spellings. */
  var EXACT_BONUS = 50;
  var PREFIX_FACTOR = 0.5;
  var PREFIX_EXPANSIONS = 3;
  var FACET_TAGS = 6;
  var FACET_AUTHORS = 3;

  /* ---- Vietnamese text: mirrors src/text (normalise, fold, tokenize). ---- */
  var NORDIC = /[þÞæÆøØåÅöÖäÄ]/;
  var WORD_RUN = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var WORD_CHAR = /[\p{Alphabetic}\p{N}\p{M}]/u;
  var MARK = /\p{M}/gu;
  var SOFT_BREAK = /[\s\-–/'’]/u;

  function normalize(s) {
    s = String(s).normalize('NFC');
    if (!/[\u00D0\u00F0]/.test(s)) return s;
    return s.replace(WORD_RUN, function (w) {
      return NORDIC.test(w) ? w : w.replace(/\u00D0/g, '\u0110').replace(/\u00F0/g, '\u0111');
    });
  }

  function foldNormalized(s) {
    return s.normalize('NFD').replace(MARK, '').replace(/[đĐ]/g, 'd').toLowerCase();
  }

  function fold(s) {
    return foldNormalized(normalize(s));
  }

  /* Tokens: {word, folded, marked, newSegment}. */
  function tokenize(text) {
    var s = normalize(text).toLowerCase();
    var tokens = [];
    var word = '';
    var broken = true;
    function push() {
      if (!word) return;
      if (Array.from(word).length <= 40) {
        var folded = foldNormalized(word);
        tokens.push({ word: word, folded: folded, marked: word !== folded, newSegment: broken });
        broken = false;
      } else {
        broken = true;
      }
      word = '';
    }
    for (var ch of s) {
      if (WORD_CHAR.test(ch)) {
        word += ch;
      } else {
        push();
        if (ch === '\n' || !SOFT_BREAK.test(ch)) broken = true;
      }
    }
    push();
    return tokens;
  }

  function nameKey(name) {
    return normalize(name).toLowerCase().split(/\s+/).filter(Boolean).join(' ');
  }

  /* A query: words in order, each with the group it belongs to; quoted groups are phrases. */
  function parseQuery(q) {
    var text = String(q || '').replace(/[“”„‟«»]/g, '"');
    var parts = text.split('"');
    var words = [];
    var groups = [];
    for (var i = 0; i < parts.length; i++) {
      var quoted = i % 2 === 1 && i < parts.length - 1;
      var toks = tokenize(parts[i]);
      if (!toks.length) continue;
      var g = { quoted: quoted, first: words.length, last: words.length + toks.length - 1 };
      groups.push(g);
      toks.forEach(function (t) {
        t.group = groups.length - 1;
        t.quoted = quoted;
        words.push(t);
      });
    }
    return { words: words, groups: groups };
  }

  /* FNV-1a (32-bit) of the UTF-8 bytes, as src/search/format.rs computes it. */
  function shardOf(term, shards) {
    var bytes = new TextEncoder().encode(term);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % Math.max(1, shards);
  }

  function idf(df, n) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  function isElsewhere(entry) {
    return Array.isArray(entry) && typeof entry[0] === 'string';
  }

  /* A posting list as stored: base64 of unsigned LEB128 varints [id, score, id delta,
     score, ...]. Returns the flat numbers (decoded once per string). */
  var flatCache = new Map();
  function flatPostings(text) {
    if (typeof text !== 'string') return [];
    var flat = flatCache.get(text);
    if (flat) return flat;
    var bin = atob(text);
    flat = [];
    var n = 0, shift = 0;
    for (var i = 0; i < bin.length; i++) {
      var b = bin.charCodeAt(i);
      n += (b & 0x7f) * Math.pow(2, shift);
      if (b & 0x80) {
        shift += 7;
      } else {
        flat.push(n);
        n = 0;
        shift = 0;
      }
    }
    if (flatCache.size > 5000) flatCache.clear();
    flatCache.set(text, flat);
    return flat;
  }

  function entryDf(entry) {
    return isElsewhere(entry) ? entry[1] : flatPostings(entry).length / 2;
  }

  /* ---- The engine: fetches only the files a query needs, and ranks. ---- */
  function createEngine(base, fetchFn) {
    var cache = new Map();
    var manifestPromise = null;
    var shardIndexes = new WeakMap();
    fetchFn = fetchFn || fetch.bind(globalThis);

    function load(path) {
      if (!cache.has(path)) {
        cache.set(path, (async function () {
          var res = await fetchFn(base + path);
          if (!res.ok) {
            if (res.status === 404) return null;
            throw new Error('search index: ' + path + ': HTTP ' + res.status);
          }
          var buf = new Uint8Array(await res.arrayBuffer());
          var text;
          if (buf.length > 1 && buf[0] === 0x1f && buf[1] === 0x8b) {
            var stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
            text = await new Response(stream).text();
          } else {
            text = new TextDecoder().decode(buf);
          }
          return JSON.parse(text);
        })());
      }
      return cache.get(path);
    }

    function manifest() {
      if (!manifestPromise) {
        manifestPromise = load('manifest.json').then(function (m) {
          if (!m || m.version !== FORMAT_VERSION) throw new Error('search index: unsupported format');
          return m;
        });
      }
      return manifestPromise;
    }

    async function shardFor(term) {
      var m = await manifest();
      return (await load('t/' + shardOf(term, m.shards) + '.json.gz')) || {};
    }

    /* Every spelling of a folded term (word or pair): [{spelling, entry}]. */
    async function spellings(folded) {
      var shard = await shardFor(folded);
      var index = shardIndexes.get(shard);
      if (!index) {
        index = new Map();
        Object.keys(shard).forEach(function (k) {
          var f = foldNormalized(k);
          if (!index.has(f)) index.set(f, []);
          index.get(f).push(k);
        });
        shardIndexes.set(shard, index);
      }
      return (index.get(folded) || []).map(function (s) { return { spelling: s, entry: shard[s] }; });
    }

    /* Decoded postings of one spelling: Map id → score. */
    async function postings(spelling, entry) {
      var flat;
      if (isElsewhere(entry)) {
        var file = await load(entry[0]);
        flat = flatPostings(file && file[spelling]);
      } else {
        flat = flatPostings(entry);
      }
      var out = new Map();
      var id = 0;
      for (var i = 0; i + 1 < flat.length; i += 2) {
        id = i === 0 ? flat[0] : id + flat[i];
        out.set(id, flat[i + 1]);
      }
      return out;
    }

    async function pseudo(key) {
      var m = await manifest();
      var shard = (await load('f/' + shardOf(key, m.facet_shards) + '.json.gz')) || {};
      return shard[key] ? postings(key, shard[key]) : new Map();
    }

    /* Postings of several spellings merged (best score per bulletin); `exact` holds the
     * bulletins found through the spelling `exactSpelling`. */
    async function unionOf(list, exactSpelling) {
      var out = new Map();
      out.exact = new Set();
      var maps = await Promise.all(list.map(function (x) { return postings(x.spelling, x.entry); }));
      maps.forEach(function (map, i) {
        var isExact = exactSpelling !== undefined && list[i].spelling === exactSpelling;
        map.forEach(function (s, id) {
          var prev = out.get(id);
          if (prev === undefined || s > prev) out.set(id, s);
          if (isExact) out.exact.add(id);
        });
      });
      return out;
    }

    function matches(spelling, w) {
      return !w.marked || spelling === w.word;
    }

    /* Runs a query. params: {q, tag, author, year, sort ('new'), typing}. */
    async function search(params) {
      var m = await manifest();
      var n = m.docs;
      var scale = m.score_scale || 40;
      var query = parseQuery(params.q);
      var words = query.words;

      /* Filters. */
      var filter = null;
      function narrow(set) {
        if (filter === null) { filter = set; return; }
        var next = new Set();
        filter.forEach(function (id) { if (set.has(id)) next.add(id); });
        filter = next;
      }
      if (params.tag) narrow(new Set((await pseudo('tag:' + nameKey(params.tag))).keys()));
      if (params.author) narrow(new Set((await pseudo('author:' + nameKey(params.author))).keys()));
      if (params.section) narrow(new Set((await pseudo('section:' + nameKey(params.section))).keys()));
      if (params.year) {
        var yr = (m.years || []).find(function (y) { return String(y[0]) === String(params.year); });
        var ids = new Set();
        if (yr) for (var k = yr[1]; k < yr[1] + yr[2]; k++) ids.add(k);
        narrow(ids);
      }

      if (!words.length) {
        if (filter === null) return { total: 0, ids: [], words: [], partial: false, empty: true };
        var all = Array.from(filter).sort(function (a, b) { return b - a; });
        return { total: all.length, ids: all, words: [], partial: false, scores: new Map() };
      }

      /* Which spellings each word and each adjacent pair may match. */
      var wordInfo = await Promise.all(words.map(async function (w) {
        var sp = (await spellings(w.folded)).filter(function (x) { return matches(x.spelling, w); });
        var df = sp.reduce(function (a, x) { return a + entryDf(x.entry); }, 0);
        return { sp: sp, df: df, inline: sp.every(function (x) { return !isElsewhere(x.entry); }) };
      }));
      var pairs = [];
      for (var i = 0; i + 1 < words.length; i++) {
        if (words[i].group === words[i + 1].group) pairs.push(i);
      }
      var pairInfo = await Promise.all(pairs.map(async function (i) {
        var a = words[i], b = words[i + 1];
        var sp = (await spellings(a.folded + ' ' + b.folded)).filter(function (x) {
          var parts = x.spelling.split(' ');
          return parts.length === 2 && matches(parts[0], a) && matches(parts[1], b);
        });
        var df = sp.reduce(function (acc, x) { return acc + entryDf(x.entry); }, 0);
        return { at: i, sp: sp, df: df, quoted: a.quoted };
      }));

      /* The word being typed also matches as a prefix, below exact matches. */
      var last = words[words.length - 1];
      var expansions = [];
      if (params.typing && !last.quoted && Array.from(last.folded).length >= 2) {
        var prefix = Array.from(last.folded).slice(0, 2).join('');
        var group = (await load('x/' + shardOf(prefix, m.prefix_files) + '.json.gz')) || {};
        var cands = (group[prefix] || []).filter(function (e) {
          return e[0] !== last.folded && e[0].indexOf(last.folded) === 0;
        }).slice(0, PREFIX_EXPANSIONS);
        expansions = await Promise.all(cands.map(async function (e) {
          var sp = (await spellings(e[0])).filter(function (x) {
            return !last.marked || x.spelling.indexOf(last.word) === 0;
          });
          return { folded: e[0], sp: sp, df: e[1] };
        }));
        expansions = expansions.filter(function (e) { return e.sp.length; });
      }

      /* Plan: pairs answer multi-word queries; a common word's own long list is fetched only
       * when no pair covers it, or when the pairs alone find too little. */
      var pairMaps = await Promise.all(pairInfo.map(function (p) {
        var a = words[p.at], b = words[p.at + 1];
        return unionOf(p.sp, a.marked || b.marked ? undefined : a.word + ' ' + b.word);
      }));
      var covered = words.map(function (_, wi) {
        return pairInfo.some(function (p, pi) { return (p.at === wi || p.at + 1 === wi) && pairMaps[pi].size > 0; });
      });
      var wordMaps = new Array(words.length).fill(null);
      async function fetchWords(all) {
        await Promise.all(words.map(async function (w, wi) {
          if (wordMaps[wi]) return;
          var info = wordInfo[wi];
          if (all || info.inline || words.length === 1 || !covered[wi]) {
            wordMaps[wi] = await unionOf(info.sp, w.marked ? undefined : w.word);
          }
        }));
      }
      await fetchWords(false);
      var expansionMaps = await Promise.all(expansions.map(function (e) { return unionOf(e.sp); }));

      function setFor(wi) {
        if (wordMaps[wi]) {
          if (wi === words.length - 1 && expansionMaps.length) {
            var s = new Set(wordMaps[wi].keys());
            expansionMaps.forEach(function (em) { em.forEach(function (_, id) { s.add(id); }); });
            return s;
          }
          return new Set(wordMaps[wi].keys());
        }
        var u = new Set();
        pairInfo.forEach(function (p, pi) {
          if (p.at === wi || p.at + 1 === wi) pairMaps[pi].forEach(function (_, id) { u.add(id); });
        });
        return u;
      }

      function candidates() {
        var sets = words.map(function (_, wi) { return setFor(wi); });
        sets.sort(function (a, b) { return a.size - b.size; });
        var out = new Set();
        sets[0].forEach(function (id) {
          if (filter !== null && !filter.has(id)) return;
          for (var si = 1; si < sets.length; si++) if (!sets[si].has(id)) return;
          for (var pi = 0; pi < pairInfo.length; pi++) {
            if (pairInfo[pi].quoted && !pairMaps[pi].has(id)) return;
          }
          out.add(id);
        });
        return out;
      }

      var found = candidates();
      if (found.size < RESULTS_PER_PAGE && wordMaps.some(function (x) { return x === null; })) {
        await fetchWords(true);
        found = candidates();
      }

      var wordIdf = wordInfo.map(function (x) { return idf(Math.max(1, x.df), n); });
      var pairIdf = pairInfo.map(function (p) { return idf(Math.max(1, p.df), n); });
      function score(id) {
        var total = 0;
        var matched = 0;
        words.forEach(function (w, wi) {
          var contrib;
          var s = wordMaps[wi] ? wordMaps[wi].get(id) : undefined;
          if (s !== undefined) contrib = wordIdf[wi] * (s / scale);
          if (contrib === undefined && !wordMaps[wi]) {
            pairInfo.forEach(function (p, pi) {
              var ps = (p.at === wi || p.at + 1 === wi) ? pairMaps[pi].get(id) : undefined;
              if (ps !== undefined) contrib = Math.max(contrib || 0, wordIdf[wi] * (ps / scale));
            });
          }
          if (contrib === undefined && wi === words.length - 1) {
            expansionMaps.forEach(function (em, ei) {
              var e = em.get(id);
              if (e !== undefined) {
                var v = idf(Math.max(1, expansions[ei].df), n) * (e / scale) * PREFIX_FACTOR;
                contrib = Math.max(contrib || 0, v);
              }
            });
          }
          if (contrib !== undefined) {
            matched++;
            total += contrib;
          }
        });
        var adjacent = 0;
        var exact = 0;
        var unmarked = 0;
        pairInfo.forEach(function (p, pi) {
          var s = pairMaps[pi].get(id);
          if (s !== undefined) {
            adjacent++;
            total += pairIdf[pi] * (s / scale);
          }
        });
        words.forEach(function (w, wi) {
          if (w.marked) return;
          unmarked++;
          var viaPair = pairInfo.some(function (p, pi) {
            return (p.at === wi || p.at + 1 === wi) && pairMaps[pi].exact.has(id);
          });
          if ((wordMaps[wi] && wordMaps[wi].exact.has(id)) || viaPair) exact++;
        });
        if (pairInfo.length) total += ADJACENT_BONUS * (adjacent / pairInfo.length);
        if (unmarked) total += EXACT_BONUS * (exact / unmarked);
        return { total: total, matched: matched };
      }

      var partial = false;
      if (!found.size && words.length > 1) {
        /* Nothing has every word: the best partial matches, most words first. */
        partial = true;
        await fetchWords(true);
        words.forEach(function (_, wi) {
          setFor(wi).forEach(function (id) { if (filter === null || filter.has(id)) found.add(id); });
        });
      }

      var scores = new Map();
      found.forEach(function (id) { scores.set(id, score(id)); });
      var ids = Array.from(found);
      if (params.sort === 'new') {
        ids.sort(function (a, b) { return b - a; });
      } else {
        ids.sort(function (a, b) {
          var x = scores.get(a), y = scores.get(b);
          return (y.matched - x.matched) || (y.total - x.total) || (b - a);
        });
      }
      var highlight = words.map(function (w) { return w; });
      expansions.forEach(function (e) {
        e.sp.forEach(function (x) { highlight.push({ word: x.spelling, folded: e.folded, marked: last.marked }); });
      });
      return { total: ids.length, ids: ids, words: highlight, partial: partial, scores: scores };
    }

    /* Metadata of bulletins by id. */
    async function docs(ids) {
      var m = await manifest();
      return Promise.all(ids.map(async function (id) {
        var chunk = (await load('d/' + Math.floor(id / m.chunk) + '.json.gz')) || [];
        var d = chunk[id % m.chunk];
        return d ? Object.assign({ id: id }, d) : null;
      }));
    }

    /* Facet counts for a result set: years from id ranges, tags and authors of the shown
     * results counted over the whole set. */
    async function facets(result, shown) {
      var m = await manifest();
      var ids = new Set(result.ids);
      var years = (m.years || []).map(function (y) {
        var c = 0;
        ids.forEach(function (id) { if (id >= y[1] && id < y[1] + y[2]) c++; });
        return { name: String(y[0]), count: c };
      }).filter(function (y) { return y.count > 0; });
      async function count(kind, names, limit) {
        var freq = new Map();
        names.forEach(function (nm) { freq.set(nm, (freq.get(nm) || 0) + 1); });
        var top = Array.from(freq.keys()).sort(function (a, b) { return freq.get(b) - freq.get(a); }).slice(0, limit);
        var out = await Promise.all(top.map(async function (nm) {
          var list = await pseudo(kind + ':' + nameKey(nm));
          var c = 0;
          list.forEach(function (_, id) { if (ids.has(id)) c++; });
          return { name: nm, count: c };
        }));
        return out.filter(function (x) { return x.count > 0; }).sort(function (a, b) { return b.count - a.count; });
      }
      var tags = [], authors = [], sections = [];
      shown.forEach(function (d) {
        if (d) { tags = tags.concat(d.g); authors = authors.concat(d.a); if (d.c) sections.push(d.c); }
      });
      return {
        years: years, tags: await count('tag', tags, FACET_TAGS), authors: await count('author', authors, FACET_AUTHORS),
        sections: await count('section', sections, FACET_AUTHORS)
      };
    }

    return { search: search, docs: docs, facets: facets, manifest: manifest };
  }

  /* ---- Snippets: the passage around the best match, as text pieces to mark. ---- */
  function snippet(text, words, width) {
    width = width || 220;
    var chars = Array.from(text);
    var folded = chars.map(function (c) { return foldNormalized(c.toLowerCase()) || ' '; });
    var lower = chars.map(function (c) { return c.toLowerCase(); });
    var hits = [];
    function isWordChar(i) { return i >= 0 && i < chars.length && WORD_CHAR.test(chars[i]); }
    words.forEach(function (w, wi) {
      var f = Array.from(w.folded);
      for (var i = 0; i + f.length <= chars.length; i++) {
        if (isWordChar(i - 1) || isWordChar(i + f.length)) continue;
        var ok = true;
        for (var j = 0; j < f.length && ok; j++) if (folded[i + j] !== f[j]) ok = false;
        if (ok && w.marked && lower.slice(i, i + f.length).join('') !== w.word) ok = false;
        if (ok) hits.push({ at: i, len: f.length, w: wi });
      }
    });
    var start = 0;
    if (hits.length) {
      /* The window with the most distinct words. */
      var best = -1;
      hits.forEach(function (h) {
        var s = Math.max(0, h.at - 40);
        var distinct = new Set(hits.filter(function (x) { return x.at >= s && x.at < s + width; }).map(function (x) { return x.w; })).size;
        if (distinct > best) { best = distinct; start = s; }
      });
      while (start > 0 && isWordChar(start - 1)) start--;
    }
    var end = Math.min(chars.length, start + width);
    while (end < chars.length && isWordChar(end)) end++;
    var pieces = [];
    var pos = start;
    hits.filter(function (h) { return h.at >= start && h.at + h.len <= end; })
      .sort(function (a, b) { return a.at - b.at; })
      .forEach(function (h) {
        if (h.at < pos) return;
        if (h.at > pos) pieces.push({ text: chars.slice(pos, h.at).join(''), mark: false });
        pieces.push({ text: chars.slice(h.at, h.at + h.len).join(''), mark: true });
        pos = h.at + h.len;
      });
    if (pos < end) pieces.push({ text: chars.slice(pos, end).join(''), mark: false });
    if (start > 0) pieces.unshift({ text: '… ', mark: false });
    if (end < chars.length) pieces.push({ text: ' …', mark: false });
    return pieces;
  }

  /* ---- The search page. ---- */
  function startPage() {
    var root = document.getElementById('search');
    if (!root) return;
    var t = root.dataset;
    var siteRoot = t.root || './';
    var engine = createEngine(t.index || 'index/');
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
      snippet(d.s || d.m || '', words).forEach(function (piece) {
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
          li2.appendChild(el('span', 'count', String(item.count)));
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
      var ids = current.result.ids.slice(from, from + RESULTS_PER_PAGE);
      var docs = await engine.docs(ids);
      if (mine !== seq) return;
      docs.forEach(function (d) { if (d) list.appendChild(renderDoc(d, current.result.words)); });
      more.hidden = list.children.length >= current.result.total;
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
        var result = await engine.search({ q: p.q, tag: p.tag, author: p.author, section: p.section, year: p.year, sort: p.sort, typing: typing });
        if (mine !== seq) return;
        current = { result: result, params: p };
        list.textContent = '';
        var shown = await showMore();
        if (mine !== seq) return;
        if (!result.total) {
          say(t.tNoResults);
        } else if (result.partial) {
          say(t.tPartial.replace('{n}', result.total));
        } else {
          say(t.tResults.replace('{n}', result.total));
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

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { createEngine: createEngine, tokenize: tokenize, fold: fold, normalize: normalize, parseQuery: parseQuery, snippet: snippet, shardOf: shardOf };
  }
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startPage);
    else startPage();
  }
})();
