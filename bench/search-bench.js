#!/usr/bin/env node
/* Replays queries through the real themes/default/static/search-engine.js against a built site,
 * with a fetch that reads public/search/ from disk and counts what a browser would download.
 * Each query starts cold (a new engine, empty cache), as a reader's first query does.
 *
 *   node bench/search-bench.js PUBLIC_DIR [query ...]
 *
 * Prints, per query: results, requests, bytes (compressed, as transferred), and time, for
 * the query itself plus the metadata/snippets of the first 10 results and the facets. */
'use strict';
const fs = require('fs');
const path = require('path');
const search = require(path.join(__dirname, '..', 'themes', 'default', 'static', 'search-engine.js'));

const pub = process.argv[2];
if (!pub) {
  console.error('usage: node bench/search-bench.js PUBLIC_DIR [query ...]');
  process.exit(2);
}
const queries = process.argv.length > 3 ? process.argv.slice(3) : [
  'bảo vệ', 'ha noi', 'Đà Nẵng', 'giáo dục', 'da nang', 'Ðà Nẵng', 'an ninh trật tự',
  '"an ninh trật tự"', 'chí', 'xyzzy', 'covid', 'thủ tướng chính phủ', 'bóng đá việt nam',
];

function makeFetch(stats) {
  return async (url) => {
    const file = path.join(pub, 'search', url);
    stats.requests++;
    try {
      const buf = fs.readFileSync(file);
      stats.bytes += buf.length;
      return new Response(buf, { status: 200 });
    } catch (e) {
      return new Response('', { status: 404 });
    }
  };
}

(async () => {
  const size = (f) => fs.statSync(path.join(pub, f)).size;
  console.log(`page load: search.js = ${(size('search.js') / 1024).toFixed(1)} KB; the first query adds search-engine.js + manifest.json = ${((size('search-engine.js') + size('search/manifest.json')) / 1024).toFixed(1)} KB (uncompressed)`);
  console.log('query'.padEnd(26) + 'results'.padStart(8) + 'requests'.padStart(10) + 'KB'.padStart(9) + 'ms'.padStart(8) + '  first result');
  for (const q of queries) {
    const stats = { requests: 0, bytes: 0 };
    const engine = search.createEngine('', makeFetch(stats));
    const t0 = performance.now();
    const result = await engine.search({ q });
    const docs = await engine.docs(result.ids.slice(0, 10));
    await engine.facets(result, docs);
    const ms = performance.now() - t0;
    const first = docs[0] ? docs[0].t.slice(0, 60) : '';
    console.log(q.padEnd(26) + String(result.total).padStart(8) + String(stats.requests).padStart(10)
      + (stats.bytes / 1024).toFixed(1).padStart(9) + ms.toFixed(0).padStart(8) + '  ' + (result.partial ? '(partial) ' : '') + first);
  }
})().catch((e) => { console.error(e); process.exit(1); });
