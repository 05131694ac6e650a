#!/usr/bin/env node
/* Replays a query set (bench/search-queries.py) through the real search.js against a built
 * site, each query cold (a new engine, as a reader's first query), and prints top-1, top-3
 * and MRR@10 per query class, with the bytes each query fetched (compressed, as sent), and
 * the best top-1 and top-3 any ranking could expect where several titles answer a query
 * equally well by its class's rule (the query's `tied`: one in `tied` for top-1).
 *
 *   node bench/search-quality.js PUBLIC_DIR QUERIES.jsonl [--misses CLASS] [--heavy KB] [--pagefind]
 *
 * With --misses, lists that class's queries whose answer was not first. With --heavy, lists
 * the queries that fetched more than KB kilobytes, with the files they fetched, largest first. With --pagefind, the
 * same queries go to Pagefind's own client (PUBLIC_DIR/pagefind/pagefind.js, made by
 * `pagefind --site PUBLIC_DIR --root-selector article`), loaded afresh every 50 queries
 * (its bytes are then mostly a warm client's), with a fetch that reads its files from disk. */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [pub, queriesFile] = process.argv.slice(2);
if (!pub || !queriesFile) {
  console.error('usage: node bench/search-quality.js PUBLIC_DIR QUERIES.jsonl [--misses CLASS]');
  process.exit(2);
}
const missesOf = process.argv.includes('--misses') ? process.argv[process.argv.indexOf('--misses') + 1] : null;
const heavyKb = process.argv.includes('--heavy') ? Number(process.argv[process.argv.indexOf('--heavy') + 1]) : null;
/* The site's own search engine: the one `bantin build` published (minified or not). */
const usePagefind = process.argv.includes('--pagefind');
const search = usePagefind ? null : require(path.resolve(pub, 'search-engine.js'));
const queries = fs.readFileSync(queriesFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const files = new Map();
function makeFetch(stats) {
  return async (url) => {
    const file = path.join(pub, 'search', url);
    stats.requests++;
    let buf = files.get(file);
    if (buf === undefined) {
      try { buf = fs.readFileSync(file); } catch (e) { buf = null; }
      files.set(file, buf);
    }
    if (!buf) return new Response('', { status: 404 });
    stats.bytes += buf.length;
    if (stats.files) stats.files.push([url, buf.length]);
    return new Response(buf, { status: 200 });
  };
}

/* Pagefind, cold: its module loaded anew (a new URL each time) over a fetch from disk. */
let pagefindRuns = 0;
let pagefind = null;
async function pagefindSearch(q, stats) {
  const dir = path.resolve(pub, 'pagefind') + '/';
  globalThis.fetch = async (u) => {
    const file = new URL(u, 'file://' + dir).pathname;
    stats.requests++;
    try {
      const buf = fs.readFileSync(file);
      stats.bytes += buf.length;
      return new Response(buf);
    } catch (e) {
      return new Response('', { status: 404 });
    }
  };
  globalThis.window = globalThis;
  /* A fresh module per query would be cold, but Node keeps every one (10 GB after a few
   * hundred); one in 50 is fresh, so the bytes column is a cold query's only for those. */
  if (!pagefind || pagefindRuns % 50 === 0) {
    pagefind = await import('file://' + dir + 'pagefind.js?run=' + pagefindRuns);
    await pagefind.options({ basePath: dir });
    await pagefind.init();
  }
  pagefindRuns++;
  const pf = pagefind;
  const r = await pf.search(q);
  const docs = (await Promise.all(r.results.slice(0, 10).map((x) => x.data()))).map((d) => ({ t: d.meta.title }));
  return [{ total: r.results.length }, docs];
}

/* The value below which a share `q` of `xs` falls (0.5: the median). */
function quantile(xs, q) {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))] : 0;
}

(async () => {
  const classes = new Map();
  const misses = [];
  for (const q of queries) {
    const stats = { requests: 0, bytes: 0, files: heavyKb === null ? null : [] };
    let result, docs;
    if (usePagefind) {
      [result, docs] = await pagefindSearch(q.q, stats);
    } else {
      const engine = search.createEngine('', makeFetch(stats));
      /* A query being typed: its last word may be the start of a word. */
      result = await engine.search({ q: q.q, typing: q.class === 'typing' });
      docs = await engine.docs(result.ids.slice(0, 10));
    }
    const accepted = new Set(q.titles);
    const rank = docs.findIndex((d) => d && accepted.has(d.t));
    const c = classes.get(q.class) || { n: 0, top1: 0, top3: 0, mrr: 0, bytes: [], unique: 0, uniqueTop1: 0, tied: 0, best1: 0, best3: 0, shown: 0, named: 0 };
    /* What the page says it searched for ("Kết quả cho …"), for a query drawn from a title:
     * is it the title's first words? */
    if (result.corrected && q.tied) {
      c.shown++;
      const words = q.titles[0].normalize('NFC').toLowerCase().split(/\s+/)
        .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')).filter(Boolean);
      /* (Words typed joined are shown apart: as many words as shown.) */
      const shown = (q.class === 'joined' ? result.corrected : q.q).split(' ').length;
      /* (A query typed without marks is shown without them: folded as the engine folds.) */
      const title = words.slice(0, shown).join(' ');
      if (result.corrected === (q.class === 'joined' ? search.fold(title) : title)) c.named++;
    }
    c.n++;
    if (rank === 0) c.top1++;
    if (rank >= 0 && rank < 3) c.top3++;
    if (rank >= 0) c.mrr += 1 / (rank + 1);
    if (q.unique) { c.unique++; if (rank === 0) c.uniqueTop1++; }
    /* The best a ranking can expect when `tied` titles answer the query equally well. */
    if (q.tied) { c.tied++; c.best1 += 1 / q.tied; c.best3 += Math.min(1, 3 / q.tied); }
    c.bytes.push(stats.bytes);
    classes.set(q.class, c);
    if (heavyKb !== null && stats.bytes > heavyKb * 1024) {
      const files = stats.files.sort((a, b) => b[1] - a[1]).map(([f, b]) => `${f} ${(b / 1024).toFixed(1)}`);
      misses.push(`${q.class} ${q.q}  →  ${(stats.bytes / 1024).toFixed(1)} KB in ${stats.requests}: ${files.join(', ')}`);
    }
    if (missesOf === q.class && rank !== 0) {
      misses.push(`${q.q}  →  rank ${rank < 0 ? '>10' : rank + 1} of ${result.total}${result.corrected ? ' (as ' + result.corrected + ')' : ''}; want "${q.titles[0]}"; got "${docs[0] ? docs[0].t : ''}"`);
    }
  }
  const pct = (x, n) => (100 * x / n).toFixed(0).padStart(6);
  console.log('class'.padEnd(14) + 'queries'.padStart(8) + 'top-1'.padStart(6) + 'top-3'.padStart(6) + 'MRR@10'.padStart(8) + '  KB median' + '    p90' + '    max' + '  unique top-1' + '  best top-1/top-3 (tied titles)');
  let all = { n: 0, top1: 0, top3: 0, mrr: 0 };
  for (const [name, c] of classes) {
    all.n += c.n; all.top1 += c.top1; all.top3 += c.top3; all.mrr += c.mrr;
    console.log(name.padEnd(14) + String(c.n).padStart(8) + pct(c.top1, c.n) + pct(c.top3, c.n)
      + (c.mrr / c.n).toFixed(2).padStart(8) + (quantile(c.bytes, 0.5) / 1024).toFixed(1).padStart(11)
      + (quantile(c.bytes, 0.9) / 1024).toFixed(1).padStart(7) + (quantile(c.bytes, 1) / 1024).toFixed(1).padStart(7)
      + (c.unique ? `  ${pct(c.uniqueTop1, c.unique).trim()}% of ${c.unique}` : '')
      + (c.tied ? ' '.repeat(c.unique ? 2 : 16) + `${pct(c.best1, c.tied).trim()} / ${pct(c.best3, c.tied).trim()}` : ''));
  }
  console.log('all'.padEnd(14) + String(all.n).padStart(8) + pct(all.top1, all.n) + pct(all.top3, all.n) + (all.mrr / all.n).toFixed(2).padStart(8));
  for (const [name, c] of classes) {
    if (c.shown) console.log(`${name}: "Kết quả cho …" shown for ${c.shown}, the title's first words in ${c.named}`);
  }
  misses.forEach((m) => console.log(m));
})().catch((e) => { console.error(e); process.exit(1); });
