/* bantin search engine: reads the static index in search/ (docs/search-format.md) and ranks.
 * Plain JavaScript, no framework, no build step. search.js (the page) loads it when a reader
 * is about to search (window.bantinSearch); the same file runs in Node (module.exports) for
 * the tests and benchmarks. */
(function () {
  'use strict';

  var FORMAT_VERSION = 8;
  /* A posting's second number: score + SCORE_RANGE × where the term is in the title. */
  var SCORE_RANGE = 64;
  /* Ranking (docs/search-format.md): a bulletin with the words adjacent and in order
   * outranks scattered ones; a spelling with another tone, or other marks, than typed counts
   * for less; so do the words a typed prefix or a typo may stand for. */
  var ADJACENT_BONUS = 100;
  var TONE_FACTOR = 0.7;
  /* A query typed with marks means them when its pairs (or its one word) are spelled as
   * typed in at least this share of the bulletins that have them in any spelling. */
  var MEANT_SHARE = 0.25;
  var MARKS_FACTOR = 0.5;
  /* In a query typed with marks, a word typed without any is meant so when at least this
   * share of the bulletins that have it in any spelling spell it so. */
  var UNMARKED_MEANT = 0.5;
  var PREFIX_FACTOR = 0.5;
  var PREFIX_EXPANSIONS = 3;
  /* While typing, when no title starts with the query, the word being typed is looked for
   * beside the word before as so many of its likeliest words, at most (as many as the shards
   * fit within QUERY_BYTES). */
  var PREFIX_PAIRS = 16;
  var TYPO_FACTOR = 0.6;
  var TYPO_EXPANSIONS = 4;
  /* Shards not fetched yet that the typos' nearest words may add to a query, at most. */
  var TYPO_SHARDS = 12;
  /* A typo's nearest words whose pairs with the words beside it are looked up first (their
   * shards, not fetched yet, at most), to try first those the archive has beside them. */
  var TYPO_PROBE = 8;
  var TYPO_PROBE_SHARDS = 12;
  /* ...for a word found that may be another word typed wrong (a name's word beside a title
   * word is one too): fewer, and only a nearest word found beside a neighbour is tried. */
  var TYPO_PROBE_FOUND_SHARDS = 4;
  /* What a query's index files should come to, at most, before the results' own metadata
   * (about 17 KB for ten): typos are looked for within what is left. */
  var QUERY_BYTES = 82 * 1024;
  /* Fewer full results than this and typos are looked for. */
  var TYPO_MIN = 3;
  /* How much more frequent than a word found (in too few bulletins) its nearest word must be
   * to be tried as the word meant. */
  var TYPO_RARER = 20;
  /* Postings of common words' long lists a query fetches at most (beyond a one-word query's). */
  var LONG_POSTINGS = 3000;
  /* A query of so many words or more (a headline pasted, a sentence) fetches its pairs' long
   * lists rarest first while they total at most PAIR_POSTINGS, and no long title-only list
   * for a word whose own list it does not fetch: its rarer words and pairs tell its
   * bulletins apart. A pasted headline fetched the long lists of every common pair and
   * word in it: a hundred KB for twelve words. */
  var MANY_WORDS = 6;
  var PAIR_POSTINGS = 6000;
  /* Fewer candidates than this for such a query, and the bulletins with all but two of its
   * pairs are candidates too. */
  var QUORUM_BELOW = 10;
  /* A quoted phrase's first bulletins checked against their phrase filters (so many at a
   * time, the next ones only when none held it), and the bits a triple sets in one (as
   * src/search/phrases.rs). */
  var PHRASE_CHECK = 20;
  var PHRASE_ROUND = 10;
  var PHRASE_HASHES = 4;
  var FACET_TAGS = 6;
  var FACET_AUTHORS = 3;
  /* Postings of long tag/author lists the facets fetch at most to count a result set; the
   * rest are shown without a count. */
  var FACET_POSTINGS = 10000;
  /* A term's lists of more postings than this are read from its head, when it has one (the
   * bulletins ranked first of a very common term, src/search/heads.rs); a query whose
   * candidates came from a head and number fewer than FULL_MIN is run again on the whole
   * lists. */
  var WHOLE_POSTINGS = 8000;
  /* A head holds each of its term's spellings' first so many bulletins (src/search/heads.rs). */
  var HEAD_PER_SPELLING = 100;
  var FULL_MIN = 20;

  /* ---- Vietnamese text: mirrors src/text (normalise, fold, tokenize). ---- */
  var NORDIC = /[þÞæÆøØåÅöÖäÄ]/;
  var WORD_RUN = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var WORD_CHAR = /[\p{Alphabetic}\p{N}\p{M}]/u;
  var MARK = /\p{M}/gu;
  var SOFT_BREAK = /[\s\-–/'’\u200B]/u;
  /* Characters that show nothing, passed over inside words too (src/text/chars.rs,
   * is_passed_over): the soft hyphen, joiners, the byte order mark, direction marks. The
   * zero-width space parts words as a space does. */
  var PASSED_OVER = /[\u00AD\u180E\u200C-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/u;

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

  /* A syllable written with a final i or y alike ("lý"/"lí", "kỹ"/"kĩ", "tỷ"/"tỉ", "quý"/"quí",
   * "hy"/"hi"): an initial among h, k, l, m, s, t and qu, and that one vowel, folded or not.
   * The index keys it with i (src/text/fold.rs); the y of "tay", "huy" or "thuy" stays. */
  var I_OR_Y_INITIAL = '([hklmst]|qu)';
  var I_OR_Y = new RegExp('^(\\^?)' + I_OR_Y_INITIAL + 'y$');
  /* Such a syllable keyed: it is written with y too. */
  var KEYED_I = new RegExp('^' + I_OR_Y_INITIAL + 'i$');
  function iKey(word) {
    return word.replace(I_OR_Y, '$1$2i');
  }
  /* The index's key of a folded term: a word, a pair "a b" or a title-only "^a". */
  function searchKey(folded) {
    return folded.indexOf('y') < 0 ? folded : folded.split(' ').map(iKey).join(' ');
  }

  /* A spelling without its tone mark (the other marks kept: "nội" → "nôi"). */
  var TONE = /[\u0300\u0301\u0303\u0309\u0323]/g;
  function toneless(s) {
    return s.normalize('NFD').replace(TONE, '').normalize('NFC');
  }
  /* The tone marks of `s`, in order, wherever they are written. */
  function toneOf(s) {
    return (s.normalize('NFD').match(TONE) || []).join('');
  }

  /* How well a spelling answers a query word: 1 as typed (any spelling, for a word typed
   * without marks; its tone mark may be on another vowel), TONE_FACTOR with the same letters
   * and another tone, else MARKS_FACTOR. */
  function quality(spelling, w) {
    if (!w.marked || spelling === w.word) return 1;
    if (w.near) return nearQuality(spelling, w.word);
    var letters = iKey(toneless(spelling)) === iKey(toneless(w.word));
    /* The same letters and tone, its mark on another vowel ("hoà" and "hòa", "thuỷ" and
     * "thủy": both placements are in use, often in one newsroom): the same spelling. */
    if (letters && toneOf(spelling) === toneOf(w.word)) return 1;
    return letters ? TONE_FACTOR : MARKS_FACTOR;
  }

  /* How well a spelling of a word one edit from `typed` (a word typed with marks, found
   * nowhere: "nộii", "tướg") answers it: one edit from it with the same tone, wherever the
   * edit is, as typed ("nội", "tướng"); one edit from it once the tones are taken off, with
   * the same letters and another tone ("nối", "tương"); else other marks ("nói"). */
  function nearQuality(spelling, typed) {
    var a = Array.from(toneless(spelling)), b = Array.from(toneless(typed));
    if (a.join('') !== b.join('') && !typoOdds(b, a)) return MARKS_FACTOR;
    return toneOf(spelling) === toneOf(typed) ? 1 : TONE_FACTOR;
  }

  /* Vowels, once their marks other than the tone are taken off. */
  var VOWEL = /[aeiouyăâêôơư]/;

  /* Telex, the common way of typing Vietnamese: with the input method off, "vieetj nam"
   * reaches the page for "việt nam". The word a run of plain letters spells in Telex ("aa"
   * â, "aw" ă, "ee" ê, "oo" ô, "ow" ơ, "uw" or "w" ư, "uow" ươ, "dd" đ; after a vowel, one
   * of "s f r x j" its tone), or null when it spells nothing else, or (unless `toneOnly`)
   * only a tone: "hanhf" may as well be a typo, unless other words of the query are Telex
   * (the typo path's nearest words cover it otherwise). Its tone goes on a vowel
   * with a mark, else (no final consonant) the first of two vowels, else the last vowel:
   * where it goes matters little, as the spellings it is matched against are compared
   * by tone, wherever it is written (quality). */
  /* How much more often than as typed the archive must have the word Telex spells, for a
   * word found as typed to be read as Telex (in a query typed in Telex). */
  var TELEX_RARER = 20;
  var TELEX_TONES = { s: '\u0301', f: '\u0300', r: '\u0309', x: '\u0303', j: '\u0323' };
  var TELEX_PAIRS = { aa: 'â', aw: 'ă', ee: 'ê', oo: 'ô', ow: 'ơ', uw: 'ư', dd: 'đ' };
  function telex(word, toneOnly) {
    if (!/^[a-z]+$/.test(word)) return null;
    var letters = [], tone = '', vowel = false, changed = false;
    for (var i = 0; i < word.length; i++) {
      var c = word[i];
      if (word.substr(i, 3) === 'uow') { letters.push('ư', 'ơ'); i += 2; vowel = changed = true; continue; }
      var pair = TELEX_PAIRS[word.substr(i, 2)];
      if (pair) { letters.push(pair); i++; changed = true; vowel = vowel || pair !== 'đ'; continue; }
      if (c === 'w') { letters.push('ư'); vowel = changed = true; continue; }
      if (vowel && !tone && TELEX_TONES[c]) { tone = TELEX_TONES[c]; continue; }
      if (/[aeiouy]/.test(c)) vowel = true;
      letters.push(c);
    }
    if (!changed && !(toneOnly && tone)) return null;
    return withTone(letters, tone);
  }
  /* VNI, the other way of typing Vietnamese, with the input method off: "vie65t" for
   * "việt" (after the letters they mark, `6` â ê ô, `7` ơ ư, `8` ă, `9` đ; `1`-`5` a tone:
   * sắc, huyền, hỏi, ngã, nặng). The word, or null when a digit marks nothing. */
  var VNI_TONES = ['\u0301', '\u0300', '\u0309', '\u0303', '\u0323'];
  var VNI_MARKS = { 6: { a: 'â', e: 'ê', o: 'ô' }, 7: { o: 'ơ', u: 'ư' }, 8: { a: 'ă' }, 9: { d: 'đ' } };
  function vni(word) {
    if (!/^[a-z]+[a-z0-9]*$/.test(word) || !/\d/.test(word)) return null;
    var letters = [], tone = '';
    for (var i = 0; i < word.length; i++) {
      var c = word[i];
      if (!/\d/.test(c)) { letters.push(c); continue; }
      if (c >= '1' && c <= '5') {
        if (tone) return null;
        tone = VNI_TONES[c - 1];
        continue;
      }
      var marks = VNI_MARKS[c];
      var k = letters.length - 1;
      while (k >= 0 && !(marks && marks[letters[k]])) k--;
      if (k < 0) return null;
      /* "uo7" is ươ. */
      if (c === '7' && letters[k] === 'o' && letters[k - 1] === 'u') letters[k - 1] = 'ư';
      letters[k] = marks[letters[k]];
    }
    return withTone(letters, tone);
  }
  /* `letters` with `tone` (a combining mark, or '') on a vowel with a mark, else (no final
   * consonant) the first of two vowels, else the last vowel. */
  function withTone(letters, tone) {
    var out = letters.join('');
    if (!tone) return out;
    /* The vowels, after "qu" or a "gi" before another vowel (their "u" and "i" are the
     * consonant's). */
    var from = /^(qu|gi(?=[aeiouyăâêôơư]))/.test(out) ? 2 : 0;
    var at = [];
    for (var k = from; k < letters.length; k++) if (VOWEL.test(letters[k])) at.push(k);
    if (!at.length) return out;
    var marked = at.filter(function (k) { return /[ăâêôơư]/.test(letters[k]); });
    var final = at[at.length - 1] < letters.length - 1;
    var place = marked.length ? marked[marked.length - 1]
      : (!final && at.length >= 2 ? at[at.length - 2] : at[at.length - 1]);
    letters[place] += tone;
    return letters.join('').normalize('NFC');
  }

  /* Keys beside each letter on a QWERTY keyboard. */
  var BESIDE = {
    q: 'wa', w: 'qeas', e: 'wrsd', r: 'etdf', t: 'ryfg', y: 'tugh', u: 'yihj', i: 'uojk', o: 'ipkl',
    p: 'ol', a: 'qwsz', s: 'weadzx', d: 'erfsxc', f: 'rtdgcv', g: 'tyfhvb', h: 'yugjbn', j: 'uihknm',
    k: 'iojlm', l: 'opk', z: 'asx', x: 'zsdc', c: 'xdfv', v: 'cfgb', b: 'vghn', n: 'bhjm', m: 'njk'
  };
  function beside(x, y) { return x === y || (BESIDE[x] || '').indexOf(y) >= 0; }
  /* How likely the letters `a` are as the word `b` typed wrong, relative to other words one
   * edit away (0 when `b` is not one edit from `a`): a letter left out, or two neighbours
   * swapped, keep the letters the typist meant, and are as likely as can be (1); a letter
   * changed, or one added, is likely when its key is beside the meant one (or beside, or
   * the same as, a neighbour it was added next to; a Telex tone key added at the end, as
   * when typing Vietnamese with the input method off, counts so too), else much less (the
   * odds a noisy channel gives them: any of 26 letters could have been hit). */
  var ODDS_NEAR = 0.25;
  var ODDS_FAR = 0.04;
  function typoOdds(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return 0;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    var rest = function (x, from) { return x.slice(from).join(''); };
    if (la === lb) {
      if (i === la) return 0;
      if (rest(a, i + 1) === rest(b, i + 1)) return beside(a[i], b[i]) ? ODDS_NEAR : ODDS_FAR;
      return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, i + 2) === rest(b, i + 2) ? 1 : 0;
    }
    if (la < lb) return rest(a, i) === rest(b, i + 1) ? 1 : 0;
    if (rest(a, i + 1) !== rest(b, i)) return 0;
    var added = a[i];
    var near = (i > 0 && beside(added, a[i - 1])) || (i + 1 < la && beside(added, a[i + 1]))
      || (i === la - 1 && 'sfrxj'.indexOf(added) >= 0);
    return near ? ODDS_NEAR : ODDS_FAR;
  }

  /* Tokens: {word, folded (the index's key, see searchKey), bare (folded, not keyed), marked,
   * newSegment}. */
  function tokenize(text) {
    var s = normalize(text).toLowerCase();
    var tokens = [];
    var word = '';
    var broken = true;
    function push() {
      if (!word) return;
      if (Array.from(word).length <= 40) {
        var folded = foldNormalized(word);
        tokens.push({ word: word, folded: iKey(folded), bare: folded, marked: word !== folded, newSegment: broken });
        broken = false;
      } else {
        broken = true;
      }
      word = '';
    }
    var chars = Array.from(s);
    var inside = numberStops(chars);
    for (var i = 0; i < chars.length; i++) {
      var ch = chars[i];
      if (WORD_CHAR.test(ch)) {
        word += ch;
      } else if (!inside[i] && !PASSED_OVER.test(ch)) {
        push();
        if (ch === '\n' || !SOFT_BREAK.test(ch)) broken = true;
      }
    }
    push();
    return tokens;
  }

  /* Per character of `chars`, whether it is a full stop inside a number, joining groups of
   * digits as Vietnamese writes thousands ("5.300", "1.000.000": 5300, 1000000): after one to
   * three digits that begin a word (or digits already joined so), before three digits and no
   * digit after. The tokenizer and snippets leave such stops out, as src/text/tokenize.rs
   * does (joins_number). */
  function numberStops(chars) {
    var inside = [], word = '', joined = false;
    chars.forEach(function (c, i) {
      if (PASSED_OVER.test(c)) return;
      if (WORD_CHAR.test(c)) {
        word += c;
      } else if (c === '.' && word !== '' && (joined || word.length <= 3) && /^[0-9]+$/.test(word) &&
          /^[0-9]{3}$/.test(chars.slice(i + 1, i + 4).join('')) && !/[0-9]/.test(chars[i + 4] || '')) {
        joined = inside[i] = true;
      } else {
        word = '';
        joined = false;
      }
    });
    return inside;
  }

  function nameKey(name) {
    return toneOnSecondVowel(normalize(name).toLowerCase().split(/\s+/).filter(Boolean).join(' '));
  }
  /* A name's syllables whose vowels are oa, oe or uy with nothing after them, their tone mark
   * on the second vowel ("thủy điện" → "thuỷ điện"), as src/text/tone.rs makes names' keys. */
  function toneOnSecondVowel(s) {
    return s.replace(/[\p{L}\p{M}]+/gu, function (word) {
      var d = word.normalize('NFD');
      var tones = d.match(TONE) || [];
      if (tones.length !== 1) return word;
      var letters = Array.from(d.replace(TONE, '').normalize('NFC'));
      var v = letters.findIndex(function (c) { return VOWEL.test(c); });
      var rest = v < 0 ? '' : letters.slice(v).join('');
      if (rest !== 'oa' && rest !== 'oe' && rest !== 'uy') return word;
      return (letters.join('') + tones[0]).normalize('NFC');
    });
  }

  /* Words typed without the spaces between them ("hanoi", "nguyenphutrong"): a Vietnamese
   * syllable, once its marks are off, is an initial consonant (or none), one to three vowels
   * that go together and a final consonant (or none). The ways a run of plain letters reads
   * as JOIN_PARTS syllables at most, fewest syllables first (at most JOIN_WAYS of them); the
   * archive then says which, by its pairs (see unjoin). */
  var JOIN_PARTS = 5;
  var JOIN_WAYS = 12;
  /* Pair shards a word's readings may fetch, at most; how many times a nearest word's count
   * (times its edit's odds) must exceed a reading's rarest pair for a word found nowhere to be
   * a typo instead; the fewest letters of a word read so (shorter ones are mostly typos:
   * "xuna", "veit"); the share of the bulletins a word found as typed may be in, at most, and
   * how many times as frequent the reading's rarest pair must then be. */
  var JOIN_SHARDS = 4;
  var JOIN_RIVAL = 1;
  var JOIN_LETTERS = 5;
  var JOIN_FOUND = 0.02;
  var JOIN_RARER = 10;
  var SYLLABLE = new RegExp('^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?(?:' +
    /* vowels before "ch" or "nh" ("anh", "ếch", "oanh", "uynh") */
    '(?:[aeiy]|oa|ue|uy)(?:ch|nh)|' +
    /* vowels before another final consonant, or none ("a", "an", "của", "oe") */
    '(?:[aeiouy]|oa|oe|ua|ue|uy)(?:ng|[cmnpt])?|' +
    /* vowels only ever before one ("iêng", "uyên", "ươn", "xoong") */
    '(?:ie|oo|uo|uye|ye)(?:ng|[cmnpt])|' +
    /* vowels that end the syllable ("ai", "ưu", "iêu", "ươi", "oai") */
    'a[iouy]|e[ou]|i[au]|oi|u[iu]|ya|ieu|yeu|oa[iy]|oeo|ua[iy]|uo[iu]|uy[au])$');
  function syllableSplits(letters) {
    if (!/^[a-z]+$/.test(letters)) return [];
    var n = letters.length;
    /* fewest[i]: the fewest syllables letters[i..] reads as (Infinity: none). */
    var fewest = new Array(n + 1).fill(Infinity);
    fewest[n] = 0;
    for (var i = n - 1; i >= 0; i--) {
      for (var j = i + 1; j <= Math.min(n, i + 7); j++) {
        if (fewest[j] + 1 < fewest[i] && SYLLABLE.test(letters.slice(i, j))) fewest[i] = fewest[j] + 1;
      }
    }
    if (fewest[0] < 2 || fewest[0] > JOIN_PARTS) return [];
    var ways = [];
    for (var parts = fewest[0]; parts <= JOIN_PARTS && ways.length < JOIN_WAYS; parts++) {
      (function walk(at, left, so) {
        if (ways.length >= JOIN_WAYS) return;
        if (at === n) { if (!left) ways.push(so); return; }
        if (!left || fewest[at] > left) return;
        for (var j = at + 1; j <= Math.min(n, at + 7); j++) {
          if (SYLLABLE.test(letters.slice(at, j))) walk(j, left - 1, so.concat([letters.slice(at, j)]));
        }
      })(0, parts, []);
    }
    return ways;
  }
  /* A run of letters as a syllable and a word of another tongue typed together ("trumpkim",
   * "xecontainer", "pompeonoi"), where no reading as syllables alone is in the archive: the
   * two-part splits with a syllable at one end and three letters or more at the other, the
   * longest syllable first. */
  function foreignSplits(letters) {
    if (!/^[a-z]+$/.test(letters)) return [];
    var ways = [];
    for (var i = 1; i < letters.length; i++) {
      var a = letters.slice(0, i), b = letters.slice(i);
      var sa = SYLLABLE.test(a), sb = SYLLABLE.test(b);
      if (sa !== sb && (sa ? b : a).length >= 3) ways.push({ parts: [a, b], syllable: (sa ? a : b).length });
    }
    return ways.sort(function (x, y) { return y.syllable - x.syllable; }).map(function (x) { return x.parts; });
  }

  /* The ways to read letters with no vowel ("tphcm") as two abbreviations of two letters or
   * more each, the first part longest first; or letters that begin with two or more with no
   * vowel as an abbreviation typed onto a word of three letters or more ("vnindex": "vn
   * index"; "tpvinh": "tp vinh"), the abbreviation shortest first. */
  function abbreviationSplits(letters) {
    var ways = [], i;
    if (/^[b-df-hj-np-tv-xz]+$/.test(letters)) {
      for (i = letters.length - 2; i >= 2; i--) ways.push([letters.slice(0, i), letters.slice(i)]);
      return ways;
    }
    if (!/^[a-z]+$/.test(letters)) return [];
    var lead = /^[b-df-hj-np-tv-xz]*/.exec(letters)[0].length;
    for (i = 2; i <= lead && letters.length - i >= 3; i++) ways.push([letters.slice(0, i), letters.slice(i)]);
    return ways;
  }

  /* A link pasted into the search box, of this site's ("https://tin.vn/2020/01/mua-lon-o-hue/")
   * or another paper's ("https://bao.vn/thoi-su/mua-lon-o-hue-4012345.html"): the words of
   * its page's name, which are its title's (a slug), without the article's number (or of
   * the last folder's name of three words or more, when the page's is only a number); ''
   * when it names no page so; null when the query is not a link. */
  function linkWords(q) {
    var s = String(q || '').trim();
    if (!/^(?:https?:\/\/|www\.)[^\s"]+$/i.test(s)) return null;
    var path = s.replace(/^(?:https?:\/\/)?[^/?#]*/i, '').replace(/[?#].*$/, '');
    var segments = path.split('/').filter(Boolean);
    var id = /^[a-z]{0,4}\d{5,}$/i;
    for (var i = segments.length - 1; i >= 0; i--) {
      var name = segments[i];
      try { name = decodeURIComponent(name); } catch (e) { /* kept as it is */ }
      if (i === segments.length - 1) name = name.replace(/\.[a-z]{2,5}$/i, '');
      var words = name.split(/[-_+.~]+/).filter(Boolean);
      while (words.length && id.test(words[words.length - 1])) words.pop();
      while (words.length && id.test(words[0])) words.shift();
      var named = words.filter(function (w) { return /\p{L}/u.test(w); }).length;
      if (words.length >= (i === segments.length - 1 ? 2 : 3) && named) return words.join(' ');
    }
    return '';
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

  /* FNV-1a (32-bit) of the UTF-8 bytes of `s`, from the state `h`, as src/search/format.rs
   * computes it. */
  function fnv(s, h) {
    var bytes = new TextEncoder().encode(s);
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  /* Numbered file n of a folder (shards, chunks): in subfolder n / per_folder. */
  function numbered(m, dir, n) {
    return dir + Math.floor(n / m.per_folder) + '/' + n + '.json.gz';
  }

  function shardOf(term, shards) {
    return fnv(term, 0x811c9dc5) % Math.max(1, shards);
  }

  function idf(df, n) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /* Decoded postings of no bulletin, in the form unionOf gives: scores, title places (any
   * spelling, and as typed), the bulletins with a spelling as typed. */
  function noPostings() {
    return { s: new Map(), t: new Map(), te: new Map(), exact: new Set() };
  }

  function isElsewhere(entry) {
    return Array.isArray(entry) && typeof entry[0] === 'string';
  }

  /* The file of a long entry's head, or null when the term has none. */
  function headOf(entry) {
    return isElsewhere(entry) && typeof entry[2] === 'string' ? entry[2] : null;
  }

  /* Whether a long entry's spelling is in so few bulletins that its term's head holds them all. */
  function wholeInHead(entry) {
    return Boolean(headOf(entry)) && entry[1] <= HEAD_PER_SPELLING;
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

  /* Of spellings [{spelling, entry, q}], the best answer (highest quality), the most
   * frequent of those; or undefined. */
  function bestSpelling(list) {
    return list.slice().sort(function (x, y) { return y.q - x.q || entryDf(y.entry) - entryDf(x.entry); })[0];
  }

  /* Of the spellings of `alt` (a term's way to answer a query word or pair), the best as
   * typed that bulletin `id` has, then its best scored there; null when the postings of
   * each spelling were not kept, or none has it. */
  function heldSpelling(alt, id) {
    var each = alt.map && alt.map.each;
    if (!each) return null;
    var best = null, at = -1;
    alt.sp.forEach(function (x, i) {
      var v = each[i].get(id);
      if (v === undefined) return;
      var s = v % SCORE_RANGE;
      if (!best || x.q > best.q || (x.q === best.q && s > at)) { best = x; at = s; }
    });
    return best && best.spelling;
  }

  /* Bulletins of spellings [{entry}] together. */
  function dfOf(list) {
    return list.reduce(function (a, x) { return a + entryDf(x.entry); }, 0);
  }

  /* ---- The engine: fetches only the files a query needs, and ranks. ---- */
  /* options: {wholePostings} overrides WHOLE_POSTINGS (for tests on small archives). */
  function createEngine(base, fetchFn, options) {
    var wholePostings = (options && options.wholePostings) || WHOLE_POSTINGS;
    var cache = new Map();
    /* Bytes received, over every query of this engine. */
    var received = 0;
    var shardsReceived = { bytes: 0, files: 0 };
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
          received += buf.length;
          if (path.indexOf('t/') === 0) { shardsReceived.bytes += buf.length; shardsReceived.files++; }
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

    function shardPath(m, term) {
      return numbered(m, 't/', shardOf(searchKey(term), m.shards));
    }

    async function shardFor(term) {
      return (await load(shardPath(await manifest(), term))) || {};
    }

    /* Every spelling of a folded term (word or pair), or of `key` in its shard (a word's
     * title-only term, "^" + the word): [{spelling, entry}]. */
    async function spellings(folded, key) {
      folded = searchKey(folded);
      if (key) key = searchKey(key);
      var shard = await shardFor(folded);
      var index = shardIndexes.get(shard);
      if (!index) {
        index = new Map();
        Object.keys(shard).forEach(function (k) {
          var f = searchKey(foldNormalized(k));
          if (!index.has(f)) index.set(f, []);
          index.get(f).push(k);
        });
        shardIndexes.set(shard, index);
      }
      return (index.get(key || folded) || []).map(function (s) { return { spelling: s, entry: shard[s] }; });
    }

    /* Decoded postings of one spelling: Map id → score; of its head only, when `heads` and
     * the term has one. */
    async function postings(spelling, entry, heads) {
      var flat;
      if (isElsewhere(entry)) {
        var file = await load(heads && headOf(entry) ? headOf(entry) : entry[0]);
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

    /* A tag's, author's or section's entry in its shard, or null. */
    async function pseudoEntry(key) {
      var m = await manifest();
      var shard = (await load(numbered(m, 'f/', shardOf(key, m.facet_shards)))) || {};
      return shard[key] || null;
    }

    async function pseudo(key) {
      var entry = await pseudoEntry(key);
      return entry ? postings(key, entry) : new Map();
    }

    /* Postings of several spellings merged: `s` maps each bulletin to its best score times
     * its spelling's quality `q`, `t` to where in its title the term first is (from 1), and
     * `te` to where it first is spelled exactly as typed (`q` 1). With `heads`, a term of
     * more than WHOLE_POSTINGS postings that has a head is read from it: then `headed` is
     * true, and the lists hold only the bulletins ranked first. */
    async function unionOf(list, heads, keep) {
      var out = noPostings();
      heads = Boolean(heads) && dfOf(list) > wholePostings && list.some(function (x) { return headOf(x.entry); });
      out.headed = heads;
      /* Spellings each in at most HEAD_PER_SPELLING bulletins are whole in their term's head,
       * which keeps every spelling's first so many: they are read from there (a few KB, where
       * the long list of a common word's every spelling is tens), unless the list is at hand. */
      var whole = !heads && list.length > 0 && list.every(function (x) {
        return wholeInHead(x.entry) && !cache.has(x.entry[0]);
      });
      var maps = await Promise.all(list.map(function (x) { return postings(x.spelling, x.entry, heads || whole); }));
      /* Each spelling's own postings, when asked (a nearest word's: the page names the
       * spelling the first result has). */
      if (keep) out.each = maps;
      maps.forEach(function (map, i) {
        var q = list[i].q;
        /* Spelled as typed: the quality says so, or (the word being typed) it begins so. */
        var typed = q === 1 || Boolean(list[i].typed);
        map.forEach(function (v, id) {
          var s = (v % SCORE_RANGE) * q;
          var prev = out.s.get(id);
          if (prev === undefined || s > prev) out.s.set(id, s);
          if (q === 1) out.exact.add(id);
          var t = Math.floor(v / SCORE_RANGE);
          if (t) {
            var pt = out.t.get(id);
            if (pt === undefined || t < pt) out.t.set(id, t);
            var pe = out.te.get(id);
            if (typed && (pe === undefined || t < pe)) out.te.set(id, t);
          }
        });
      });
      return out;
    }

    /* The spellings of the folded term `folded` (a word, or two words for a pair) that may
     * answer the query words `ws`, each with its quality times `factor`. A word typed with
     * marks matches every spelling of its letters, best as typed, then with another tone,
     * then with other marks; a word typed without marks matches every spelling alike. */
    async function spellingsFor(folded, ws, factor) {
      return (await spellings(folded)).map(function (x) {
        var parts = ws.length === 1 ? [x.spelling] : x.spelling.split(' ');
        if (parts.length !== ws.length) return null;
        var q = factor;
        for (var k = 0; k < ws.length; k++) q *= quality(parts[k], ws[k]);
        return { spelling: x.spelling, entry: x.entry, q: q };
      }).filter(Boolean);
    }

    /* One way to answer a query word (or pair): as typed, or a word it may be the start of
     * or a typo of. */
    function alternative(folded, sp, kind) {
      return {
        folded: folded, sp: sp, kind: kind, map: null,
        df: dfOf(sp),
        inline: sp.every(function (x) { return !isElsewhere(x.entry); })
      };
    }

    /* Runs a query. params: {q, tag, author, year, sort ('new'), typing, full}. A query is
     * first answered from the heads of very common terms (not for `full`, nor sorted by
     * date); when that leaves too few results, or a quoted phrase unfound, it is run on the
     * whole lists. `more` in the result says there are results beyond `ids`, which the same
     * query with `full` lists. */
    async function search(params) {
      /* A link pasted: its page's title words (the page says "Kết quả cho …" them). */
      var link = linkWords(params.q);
      if (link !== null) params = Object.assign({}, params, { q: link });
      /* While typing, a number whose last group of thousands is not all typed yet ("1.0",
       * "1.00", "5.") is the digits so far ("10", "100", "5"), whose words it begins: the
       * full stops join the groups only once three digits follow (numberStops). */
      if (params.typing) {
        var number = String(params.q).replace(/(^|[^\p{L}\p{M}\p{N}.])(\d{1,3}(?:\.\d{3})*)\.(\d{0,2})$/u,
          function (_, before, whole, part) { return before + whole.replace(/\./g, '') + part; });
        if (number !== params.q) params = Object.assign({}, params, { q: number });
      }
      var heads = !params.full && params.sort !== 'new';
      /* A query answered from the heads, or else from the whole lists (its bytes counted
       * from here). */
      async function answer(p) {
        var since = received;
        return (heads && await run(p, true, since)) || await run(p, false, since);
      }
      var result = await answer(params);
      /* While typing, the word being typed is first looked for as its likeliest few words;
       * when no title then starts with the query, as more of them beside the word before. */
      if (result.wider) result = await answer(Object.assign({}, params, { wide: true }));
      delete result.wider;
      /* While typing, the word being typed may be none of the words looked for ("mùa bão áp
       * th", "thấp" not among them): when then no title holds every word, and a title holds
       * the two words or more before it side by side, the query without it answers. (One
       * word before it says less than the letters typed: "thành phá" stands.) */
      var before = params.typing && !/["“”„‟«»]/.test(params.q)
        ? String(params.q).replace(/[\p{L}\p{M}\p{N}]+[^\p{L}\p{M}\p{N}]*$/u, '') : '';
      if (parseQuery(before).words.length >= 2 && tierOf(result) < 1) {
        var instead = await answer(Object.assign({}, params, { q: before, typing: false }));
        delete instead.wider;
        if (tierOf(instead) >= 2) result = instead;
      }
      if (link && !result.corrected) result.corrected = link;
      return result;
    }
    /* How the first result's title answers the query (titleTier), or -1 with none. */
    function tierOf(result) {
      var top = result.ids.length && result.scores ? result.scores.get(result.ids[0]) : null;
      return top ? top.tier : -1;
    }

    /* `since`: what the engine had received when the query began (a run on the whole lists
     * follows one on the heads, whose bytes count too). */
    async function run(params, heads, since) {
      var m = await manifest();
      var n = m.docs;
      var scale = m.score_scale || 25;
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

      /* Each word's ways to match, and each pair of adjacent words' (in one group). */
      await Promise.all(words.map(async function (w) {
        w.alts = [alternative(w.folded, await spellingsFor(w.folded, [w], 1), 'typed')];
      }));
      /* A word found nowhere that Telex or VNI spells another way ("vieetj", "vie65t") is
       * that word; once one is, so is a word found nowhere that ends with a Telex tone key
       * ("quar"); and so are two or more such words with no other ("du hocj myx chinhs":
       * one alone, "hanhf", may as well be a typo, and goes the typo way). */
      async function fromTelex(w, telexQuery) {
        var typed = w.alts[0].df;
        var t = !w.quoted && (!typed || telexQuery) && (telex(w.word, telexQuery) || vni(w.word));
        if (!t) return;
        var tw = { word: t, folded: iKey(foldNormalized(t)), marked: true };
        var sp = await spellingsFor(tw.folded, [tw], 1);
        /* Only a word the archive spells so (its tone mark on any vowel), shown as the
         * archive spells it most; in a query typed in Telex, a word the archive has as typed
         * too, but far more rarely ("cos", "noor": "có", "nổ"). */
        var shown = bestSpelling(sp);
        if (!shown || shown.q !== 1) return;
        if (typed * TELEX_RARER > dfOf(sp.filter(function (x) { return x.q === 1; }))) return;
        w.word = shown.spelling;
        w.folded = tw.folded;
        w.marked = true;
        w.telex = true;
        w.alts = [alternative(w.folded, sp, 'typed')];
      }
      await Promise.all(words.map(function (w) { return fromTelex(w, false); }));
      var toneKeyed = words.filter(function (w) { return !w.quoted && !w.alts[0].df && telex(w.word, true); });
      if (words.some(function (w) { return w.telex; }) || toneKeyed.length > 1) {
        await Promise.all(words.map(function (w) { return fromTelex(w, true); }));
      }
      /* In a query typed with marks, a word typed without any is meant so when the archive
       * mostly spells it so ("mỹ trung": "Trung", before "trừng"); else its marks may have
       * been left off, and every spelling answers it alike ("ha nội"). */
      if (words.some(function (w) { return w.marked; })) {
        await Promise.all(words.map(async function (w, wi) {
          if (w.marked || w.quoted || (params.typing && wi === words.length - 1)) return;
          var sp = w.alts[0].sp, all = dfOf(sp);
          var as = dfOf(sp.filter(function (x) { return x.spelling === w.word; }));
          if (!all || as < all * UNMARKED_MEANT) return;
          w.marked = true;
          w.alts = [alternative(w.folded, await spellingsFor(w.folded, [w], 1), 'typed')];
        }));
      }
      /* How many more shards fit in QUERY_BYTES once `spent` bytes are fetched, at the size of
       * the shards fetched so far. */
      function shardsLeft(spent) {
        var shardBytes = shardsReceived.files ? shardsReceived.bytes / shardsReceived.files : 4096;
        return Math.floor((QUERY_BYTES - spent) / shardBytes);
      }
      /* The likeliest words (at most `k`, else PREFIX_EXPANSIONS) that the word `w` is the
       * start of, from the word list of its first two letters: [folded, count]. */
      async function completions(w, k) {
        /* Begun as typed: "quy" is the start of "quyết", though "quý" is keyed "qui". */
        var begun = w.bare || w.folded;
        var prefix = Array.from(begun).slice(0, 2).join('');
        var group = (await load('x/' + shardOf(prefix, m.prefix_files) + '.json.gz')) || {};
        return (group[prefix] || []).filter(function (e) {
          return e[0] !== w.folded && e[0].indexOf(begun) === 0;
        }).slice(0, k || PREFIX_EXPANSIONS);
      }
      /* A word found nowhere that reads as syllables typed without spaces ("nguyenphutrong")
       * is those words, when the archive has each two of them side by side: of the readings
       * with the fewest syllables that it has so, the one whose rarest pair is most frequent
       * ("ha noi", not "han oi"). Readings of more syllables are looked at only when none of
       * fewer is in the archive; at most JOIN_SHARDS pairs' shards are fetched for it. So is
       * a word found in at most JOIN_FOUND of the bulletins ("hanoi", "vietnam": names,
       * brands, addresses) whose reading's rarest pair is JOIN_RARER times as frequent, unless
       * the query has it beside a word as the archive does in more than one bulletin
       * ("vietnam airlines"). */
      async function unjoin(w, wi) {
        var letters = Array.from(w.word);
        var df = w.alts[0].df;
        if (w.quoted || w.telex || df > n * JOIN_FOUND || letters.length !== w.folded.length) return null;
        /* Letters and a number typed together ("covid19", "mh370") are read apart. */
        var number = /^([a-z]+)(\d+)$|^(\d+)([a-z]+)$/.exec(w.folded);
        var ways = number ? [number.slice(1).filter(Boolean)] : syllableSplits(w.folded);
        var foreign = number || df ? [] : foreignSplits(w.folded);
        var shortened = number ? [] : abbreviationSplits(w.folded);
        if ((!ways.length && !foreign.length && !shortened.length) || letters.length < (number ? 3 : JOIN_LETTERS)) {
          return null;
        }
        /* The word being typed, when words begin so, is the start of one ("melan"). */
        if (params.typing && wi === words.length - 1 && (await completions(w)).length) return null;
        /* A word found as typed stands when the query has it beside a word as the archive
         * does in more than one bulletin ("vietnam airlines"; one may be a typo as well). */
        if (df) {
          var beside = [words[wi - 1], words[wi + 1]].filter(function (x) { return x && x.group === w.group; });
          var paired = await Promise.all(beside.map(async function (x) {
            var pair = x === words[wi - 1] ? x.folded + ' ' + w.folded : w.folded + ' ' + x.folded;
            return dfOf(await spellings(pair)) > 1;
          }));
          if (paired.some(Boolean)) return null;
        }
        /* The readings of `ways` (fewest parts first), each group of one size within
         * JOIN_SHARDS pairs' shards: the one whose rarest pair is in the most bulletins. */
        async function readAs(ways) {
          var fetched = 0;
          for (var k = 0; k < ways.length;) {
            var size = ways[k].length, best = null, bestDf = 0;
            var same = ways.filter(function (x) { return x.length === size; });
            k += same.length;
            same = same.slice(0, Math.floor((JOIN_SHARDS - fetched) / (size - 1)));
            if (!same.length) return null;
            fetched += same.length * (size - 1);
            var dfs = await Promise.all(same.map(async function (parts) {
              var least = Infinity;
              for (var j = 0; j + 1 < parts.length && least > 0; j++) {
                least = Math.min(least, dfOf(await spellings(parts[j] + ' ' + parts[j + 1])));
              }
              return least;
            }));
            dfs.forEach(function (d, x) { if (d > bestDf) { bestDf = d; best = same[x]; } });
            if (best) return { parts: best, df: bestDf };
          }
          return null;
        }
        var read = await readAs(ways);
        /* Found nowhere as syllables alone: as a syllable and another tongue's word. */
        if (!read) read = await readAs(foreign);
        /* Letters with no vowel: two abbreviations ("tphcm": "tp hcm"); or letters without
         * one before a word: an abbreviation and the word ("vnindex": "vn index"). */
        if (!read) read = await readAs(shortened);
        if (!read) return null;
        var best = read.parts, bestDf = read.df;
        /* A word found as typed: only for a reading JOIN_RARER times as frequent. */
        if (df && bestDf < df * JOIN_RARER) return null;
        /* A word found nowhere, one edit from one in more bulletins (times the odds of the
         * edit) than the reading's rarest pair, is likelier a typo ("khona": "khoan", not
         * "kho na"). */
        if (!df) {
          var near = await nearWords(w.folded);
          if (near.length && near[0][2] > bestDf * JOIN_RIVAL) return null;
        }
        /* The letters as typed, marks and all, cut where the syllables are. */
        var at = 0;
        return best.map(function (folded) {
          var word = letters.slice(at, at + folded.length).join('');
          at += folded.length;
          return { word: word, folded: iKey(folded), marked: word !== folded, group: w.group, quoted: false, joined: true };
        });
      }
      var beforeJoin = received;
      var unjoined = await Promise.all(words.map(function (w, wi) { return unjoin(w, wi); }));
      /* Readings looked up for nothing do not take from what typos may fetch. */
      var joinSpent = unjoined.some(Boolean) ? 0 : received - beforeJoin;
      if (unjoined.some(Boolean)) {
        words = query.words = [].concat.apply([], words.map(function (w, wi) { return unjoined[wi] || [w]; }));
        await Promise.all(words.map(async function (w) {
          if (w.joined) w.alts = [alternative(w.folded, await spellingsFor(w.folded, [w], 1), 'typed')];
        }));
        query.groups.forEach(function (g, gi) {
          g.first = words.findIndex(function (w) { return w.group === gi; });
          g.last = words.length - 1 - words.slice().reverse().findIndex(function (w) { return w.group === gi; });
        });
      }
      var pairs = [];
      for (var i = 0; i + 1 < words.length; i++) {
        if (words[i].group === words[i + 1].group) pairs.push({ at: i, quoted: words[i].quoted, alts: [] });
      }
      var quoted = pairs.some(function (p) { return p.quoted; });
      /* The long lists of a long query's pairs as typed, not fetched yet (MANY_WORDS). */
      var thrifty = words.length >= MANY_WORDS ? [] : null;
      async function addPair(p, a, b, fa, fb, factor, kind, adjust) {
        var sp = await spellingsFor(fa + ' ' + fb, [a, b], factor);
        if (adjust) sp = adjust(sp);
        var alt = alternative(fa + ' ' + fb, sp, kind);
        if (thrifty && kind === 'typed' && !p.quoted && !alt.inline) thrifty.push(alt);
        else alt.map = await unionOf(sp, heads, kind === 'typo');
        p.alts.push(alt);
      }
      await Promise.all(pairs.map(function (p) {
        var a = words[p.at], b = words[p.at + 1];
        return addPair(p, a, b, a.folded, b.folded, 1, 'typed');
      }));
      /* Rarest first within the budget; a pair left out holds no bulletin it is known to,
       * and a title holds it where it holds its two words side by side (see score). */
      if (thrifty) {
        var pairBudget = PAIR_POSTINGS;
        thrifty.sort(function (x, y) { return x.df - y.df; });
        await Promise.all(thrifty.map(function (a) {
          if (a.df > pairBudget) {
            a.map = Object.assign(noPostings(), { skipped: true });
            return null;
          }
          pairBudget -= a.df;
          return unionOf(a.sp, heads, false).then(function (map) { a.map = map; });
        }));
      }

      /* The word being typed also matches as a prefix, below exact matches. */
      var last = words[words.length - 1];
      /* A word the query did not type (a prefix's candidate, or a typo's of a word typed
       * without marks) has no marks to prefer: each of its spellings counts alike. */
      var unmarked = { marked: false };
      if (params.typing && !last.quoted && Array.from(last.folded).length >= 2) {
        var cands = await completions(last);
        (await Promise.all(cands.map(async function (e) {
          var all = await spellingsFor(e[0], [unmarked], PREFIX_FACTOR);
          var sp = all.filter(function (x) {
            return !last.marked || x.spelling.indexOf(last.word) === 0;
          });
          /* Each begins as the word is typed so far: in a title, it counts as typed. */
          sp.forEach(function (x) { x.typed = true; });
          var a = alternative(e[0], sp, 'prefix');
          /* A long list holds every spelling of its word: fetching the few begun as typed
           * brings them all, unless their term's head holds them whole. */
          if (!sp.every(function (x) { return wholeInHead(x.entry); })) a.cost = dfOf(all);
          return a;
        }))).forEach(function (a) { if (a.sp.length) last.alts.push(a); });
        /* Each beside the word before it, too: a common word's own list is not fetched in
         * a query of several words, and the pair ("phú trọng" for "nguyen phu tr") stands
         * for it. */
        var before = pairs.filter(function (p) { return p.at === words.length - 2; });
        await Promise.all(before.map(function (p) {
          var a = words[p.at];
          /* Spelled as the word before is typed, and begun as the last is. */
          function begun(sp) {
            return sp.filter(function (x) {
              return !last.marked || x.spelling.split(' ')[1].indexOf(last.word) === 0;
            }).map(function (x) {
              x.typed = quality(x.spelling.split(' ')[0], a) === 1;
              return x;
            });
          }
          /* The likeliest few; run again wider (see search), as many as fit the bytes left. */
          var k = PREFIX_EXPANSIONS;
          if (params.wide) {
            k = Math.max(PREFIX_EXPANSIONS, Math.min(PREFIX_PAIRS, shardsLeft(received - since)));
          }
          return completions(last, k).then(function (cs) {
            return Promise.all(cs.map(function (x) {
              return addPair(p, a, unmarked, a.folded, x[0], PREFIX_FACTOR, 'prefix', begun);
            }));
          });
        }));
      }

      /* A word's own list is fetched when it is short, when the query is one word, or, for
       * the common words, rarest first while they fit a budget; a word left unfetched is
       * not required (it is credited where a pair holds it), so that no bulletin with every
       * word is lost for want of a list. */
      var budget = LONG_POSTINGS;
      async function fetchAlts() {
        var todo = [];
        words.forEach(function (w) { w.alts.forEach(function (a) { if (!a.map) todo.push(a); }); });
        todo.sort(function (x, y) { return x.df - y.df; });
        /* The rarest word as typed is always fetched: without one word known for sure, the
         * candidates would be only the bulletins with a pair. A word found whose lists are in
         * its shard (fetched, whatever the budget) is known for sure: then no long list beyond
         * the budget is fetched for want of one. */
        var known = words.some(function (w) { return w.alts[0].map || (w.alts[0].inline && w.alts[0].df > 0); });
        await Promise.all(todo.map(function (a) {
          /* A typo's candidate is known by its pairs and title: its long list is not worth it. */
          if (!a.inline && a.kind === 'typo' && words.length > 1) return null;
          /* A word of a one-word query may be read from its head; of a longer one, only the
           * rarest, fetched whatever its size. */
          var head = heads;
          if (!a.inline && words.length > 1) {
            /* What its fetch brings (a.cost, when more than its own postings). */
            var cost = a.cost || a.df;
            if (cost > budget && (known || a.kind !== 'typed')) return null;
            known = true;
            head = heads && a.df > budget;
            budget -= cost;
          }
          return unionOf(a.sp, head, a.kind === 'typo').then(function (map) { a.map = map; });
        }));
      }
      await fetchAlts();
      /* A common word left unfetched still tells where it is in titles; so does a word read
       * from its head in a query of several words, whose titles then bring the bulletins
       * whose titles hold every word (see candidates). */
      async function fetchTitles() {
        await Promise.all(words.map(async function (w) {
          if ((w.alts[0].map && !(w.alts[0].map.headed && words.length > 1)) || w.title) return;
          var sp = (await spellings(w.folded, '^' + w.folded)).map(function (x) {
            return { spelling: x.spelling, entry: x.entry, q: quality(x.spelling.slice(1), w) };
          });
          /* In a long query (MANY_WORDS), only from its shard: its title-only list, when
           * long, holds every spelling's titles (a word read from its head still gets its
           * own: its titles are candidates). */
          if (thrifty && !w.alts[0].map && sp.some(function (x) { return isElsewhere(x.entry); })) return;
          w.title = await unionOf(sp, heads);
        }));
      }
      await fetchTitles();

      function pairsOf(wi) {
        return pairs.filter(function (p) { return p.at === wi || p.at + 1 === wi; });
      }
      /* The bulletins that may hold word `wi`, or null when that is not known. */
      function setFor(wi) {
        var known = false;
        var s = new Set();
        words[wi].alts.forEach(function (a) {
          if (a.map) { known = true; a.map.s.forEach(function (_, id) { s.add(id); }); }
        });
        pairsOf(wi).forEach(function (p) {
          p.alts.forEach(function (a) { a.map.s.forEach(function (_, id) { s.add(id); }); });
        });
        return known ? s : null;
      }
      var phraseMissing = false;
      /* The bulletins in every one of `sets` (that pass the filters and, with
       * `requirePhrases`, hold every quoted pair), added to `out`. A quoted pair read from
       * its head is not required (its head holds only the bulletins ranked first for it):
       * the phrase filters of the first results tell, and if none holds the phrase the
       * query runs on the whole lists. */
      function intersect(sets, requirePhrases, out) {
        var required = requirePhrases ? pairs.filter(function (p) {
          return p.quoted && !p.alts.every(function (a) { return a.map.headed; });
        }) : [];
        sets.sort(function (a, b) { return a.size - b.size; });
        sets[0].forEach(function (id) {
          if (filter !== null && !filter.has(id)) return;
          for (var si = 1; si < sets.length; si++) if (!sets[si].has(id)) return;
          for (var pi = 0; pi < required.length; pi++) {
            if (!required[pi].alts.some(function (a) { return a.map.s.has(id); })) return;
          }
          out.add(id);
        });
        return out;
      }
      function candidates(requirePhrases) {
        /* At least one word is known: fetchAlts fetches the rarest as typed. */
        var out = intersect(words.map(function (_, wi) { return setFor(wi); }).filter(Boolean), requirePhrases, new Set());
        /* A word read from its head knows only the bulletins ranked first: those whose
         * titles hold every word are candidates too (from the words' title-only terms). */
        if (words.length > 1 && words.some(function (w) { return w.alts[0].map && w.alts[0].map.headed; })) {
          intersect(words.map(function (w) {
            var t = new Set();
            if (w.title) w.title.s.forEach(function (_, id) { t.add(id); });
            w.alts.forEach(function (a) { if (a.map) a.map.t.forEach(function (_, id) { t.add(id); }); });
            return t;
          }), requirePhrases, out);
        }
        return out;
      }
      var found = candidates(true);
      /* Whether a list was read from a head: a word's, or a quoted pair's (then the
       * candidates are only the bulletins ranked first: too few of them, and the query runs
       * on the whole lists); with `all`, also any pair's or title-only term's. */
      function fromHeads(all) {
        return heads && (words.some(function (w) {
          return (all && w.title && w.title.headed) || w.alts.some(function (a) { return a.map && a.map.headed; });
        }) || pairs.some(function (p) { return (all || p.quoted) && p.alts.some(function (a) { return a.map.headed; }); }));
      }
      var typable = words.map(function (w) {
        return !w.quoted && Array.from(w.folded).length >= 2 && !/\d/.test(w.folded);
      });
      /* A word found nowhere is a typo whether lists were read from heads or not: its nearest
       * words are looked for first (a run on the whole lists would fetch the common words'
       * lists for nothing). */
      var missing = words.some(function (w, wi) { return typable[wi] && w.alts[0].df === 0; });
      var incomplete = fromHeads(false);
      if (incomplete && found.size < FULL_MIN && !missing) return null;
      /* The bulletins whose titles hold word `wi` (as typed or another way; with `typos`, as
       * a nearest word too, by its list or its title-only term), or null when that is not
       * known. */
      function titlesOf(wi, typos) {
        var t = new Set(), known = false;
        if (words[wi].title) { known = true; words[wi].title.s.forEach(function (_, id) { t.add(id); }); }
        words[wi].alts.forEach(function (a) {
          if (a.kind === 'typo' && !typos) return;
          var ids = a.map ? a.map.t : a.titles;
          if (ids) { known = true; ids.forEach(function (_, id) { t.add(id); }); }
        });
        return known ? t : null;
      }
      /* Whether some bulletin is in all of `sets` (false when one is null). */
      function meet(sets) {
        if (sets.some(function (x) { return x === null; })) return false;
        sets.sort(function (a, b) { return a.size - b.size; });
        for (var id of sets[0]) if (sets.every(function (x) { return x.has(id); })) return true;
        return false;
      }
      /* Whether some bulletin's title holds every word (`all`; null when where a word is in
       * titles is not known), and whether (`partly`: a long query, whose common words' titles
       * are not fetched, MANY_WORDS) the words whose titles are known are in no title
       * together, which says that none holds every word. */
      function titleHoldsAll() {
        var sets = words.map(function (_, wi) { return titlesOf(wi, false); });
        var known = sets.filter(function (x) { return x !== null; });
        var knownMeet = known.length > 0 && meet(known);
        return {
          all: known.length === sets.length ? knownMeet : null,
          partly: Boolean(thrifty) && known.length > 0 && known.length < sets.length && !knownMeet
        };
      }
      /* titleHoldsAll, made once when the typo step asks (the titles do not change before). */
      var titlesHeld = null;
      function noTitleHoldsAll() {
        if (!titlesHeld) titlesHeld = titleHoldsAll();
        return titlesHeld.all === false || titlesHeld.partly;
      }
      /* Whether some bulletin's title holds every word once a typo's nearest word stands for
       * it (a nearest word without its list is looked for by its title-only term, in the
       * same shard). */
      async function typoMakesTitle() {
        await Promise.all(words.map(function (w) {
          return Promise.all(w.alts.map(async function (a) {
            if (a.kind !== 'typo' || a.map) return;
            var sp = await spellings(a.folded, '^' + a.folded);
            var titles = await unionOf(sp.map(function (x) { return { spelling: x.spelling, entry: x.entry, q: 1 }; }), heads);
            a.titles = titles.s;
          }));
        }));
        var sets = words.map(function (_, wi) { return titlesOf(wi, true); });
        /* (A long query's common words whose titles are not fetched are left out.) */
        if (thrifty) sets = sets.filter(function (x) { return x !== null; });
        /* ...with the nearest word beside a query word it was typed beside. */
        var paired = new Set();
        pairs.forEach(function (p) {
          p.alts.forEach(function (a) {
            if (a.kind === 'typo') a.map.t.forEach(function (_, id) { paired.add(id); });
          });
        });
        return meet(sets.concat([paired]));
      }

      /* Typos: a word found nowhere, or beside a pair found nowhere, also matches the
       * likeliest words one edit away (on the folded form; nearWords) at a lower weight. */
      var corrected = null;
      /* A word typed wrong may be another word ("toi" for "hoi"): then it is found, and so are
       * bulletins with every word, but it stands beside no query word it stood beside. Such a
       * word, when no title holds every word (a title's words typed in another order pair
       * differently too), is looked at as a typo as well. */
      var lonely = words.map(function (w, wi) {
        var ps = pairsOf(wi);
        return typable[wi] && ps.length > 0 && ps.every(function (p) { return p.alts[0].df === 0; });
      });
      var unpaired = found.size >= TYPO_MIN && lonely.some(Boolean) && noTitleHoldsAll();
      /* Three words or more, none of them lonely, and no title holds them all: the word
       * least often beside its neighbours (its likeliest pair the rarest) may be another
       * word typed wrong ("con tri mất tích": "tri" beside "con", never beside "mất"). */
      var support = words.map(function (w, wi) {
        return typable[wi] ? Math.max.apply(null, pairsOf(wi).map(function (p) { return p.alts[0].df; }).concat([0])) : Infinity;
      });
      if (found.size >= TYPO_MIN && !unpaired && words.length >= 3 && noTitleHoldsAll()) {
        var least = Math.min.apply(null, support);
        /* In a long query whose common words' titles are not known (MANY_WORDS), only such a
         * word beside a pair found nowhere: a sentence typed right has each of its pairs. */
        var partly = titlesHeld.partly;
        if (least < Infinity && pairs.length === words.length - 1) {
          lonely = support.map(function (b, wi) {
            return b === least && (!partly || pairsOf(wi).some(function (p) { return p.alts[0].df === 0; }));
          });
          unpaired = lonely.some(Boolean);
        }
      }
      /* Of two words side by side, each lonely for want of the other, one TYPO_RARER times
       * as frequent as the other is likelier typed right ("việt vam lên án": "vam"). */
      lonely = lonely.map(function (l, wi) {
        return l && ![wi - 1, wi + 1].some(function (o) {
          return lonely[o] && words[o].group === words[wi].group && words[o].alts[0].df * TYPO_RARER <= words[wi].alts[0].df;
        });
      });
      /* A word at either end has no support but from the word beside it, which may be the
       * one typed wrong ("trump ki có thể": "ki" for "kim"): that word is looked at too when
       * its likeliest pair is TYPO_RARER times rarer than some query word's (a name's word,
       * beside the rest of the name, is not). */
      var most = Math.max.apply(null, support.filter(isFinite).concat([0]));
      lonely = lonely.map(function (l, wi) {
        return l || (typable[wi] && support[wi] * TYPO_RARER < most && pairsOf(wi).some(function (p) {
          var other = p.at === wi ? wi + 1 : p.at;
          return lonely[other] && pairsOf(other).length === 1;
        }));
      });
      if ((found.size < TYPO_MIN || unpaired) && !params.typing) {
        /* A word found nowhere is the typo; else the words beside a pair found nowhere. */
        var suspects = unpaired ? lonely : words.map(function (w, wi) { return typable[wi] && w.alts[0].df === 0; });
        if (!suspects.some(Boolean)) {
          suspects = words.map(function (w, wi) {
            return typable[wi] && pairsOf(wi).some(function (p) { return p.alts[0].df === 0; });
          });
        }
        if (!suspects.some(Boolean) && !found.size) suspects = words.map(function (w) { return !w.quoted; });
        /* Too few found, though every word and pair is: the rarest word may be a word far
         * more frequent typed wrong, as a few texts typed it too ("donal trump"). Only its
         * nearest words at least TYPO_RARER times as frequent are tried, and kept only where
         * they make a title hold every word (as for a word beside no query word). Not in a
         * query read as Telex: its words are already the ones it spells. */
        var rare = -1;
        if (!suspects.some(Boolean) && !words.some(function (w) { return w.telex; })) {
          words.forEach(function (w, wi) {
            if (typable[wi] && (rare < 0 || w.alts[0].df < words[rare].alts[0].df)) rare = wi;
          });
          suspects = words.map(function (_, wi) { return wi === rare; });
        }
        var fixes = await Promise.all(words.map(function (w, wi) {
          if (!suspects[wi]) return [];
          return nearWords(w.folded).then(function (near) {
            return wi !== rare ? near : near.filter(function (e) { return e[1] >= TYPO_RARER * w.alts[0].df; });
          });
        }));
        /* Each suspect's nearest words, best first, taken in turns (every suspect's first,
         * then every second…) while the shards they need, the word's and its pairs', stay
         * within TYPO_SHARDS not fetched yet, and within what is left of QUERY_BYTES (at the
         * size of the shards fetched so far): a query of four words each suspected would
         * otherwise fetch some thirty shards. The first nearest word is always tried. */
        /* A word typed wrong, as its nearest words' spellings are judged: by its marks, one
         * edit apart (nearQuality), when it was typed with marks. */
        function typed(w) { return w.marked ? { word: w.word, marked: true, near: true } : unmarked; }
        /* Pair `p` with word `wi` replaced by its nearest word `f`: its two query words and
         * their folded forms. */
        function typoPair(p, wi, f) {
          var a = words[p.at], b = words[p.at + 1];
          return p.at === wi
            ? { a: typed(a), b: b, fa: f, fb: b.folded }
            : { a: a, b: typed(b), fa: a.folded, fb: f };
        }
        /* The folded pairs word `wi` makes with its neighbours, read as its nearest word `f`. */
        function typoPairTerms(wi, f) {
          return pairsOf(wi).map(function (p) {
            var x = typoPair(p, wi, f);
            return x.fa + ' ' + x.fb;
          });
        }
        /* The shards of `terms` neither fetched nor in `planned`. */
        function unfetched(terms, planned) {
          return terms.map(function (t) { return shardPath(m, t); }).filter(function (f) {
            return !cache.has(f) && !planned.has(f);
          });
        }
        /* The odds of a nearest word's edit (typoOdds), from its [word, count, count × odds]. */
        function oddsOf(e) { return e[1] > 0 ? e[2] / e[1] : 1; }
        /* Context: of a suspect's nearest words, one the archive has beside a query word
         * it was typed beside is likelier than a more frequent one it never has there
         * ("thanh iên": "niên", though "tiên", "hiện", "điện"… are in more texts). The pairs the first
         * TYPO_PROBE nearest words make with their neighbours are looked up (within
         * TYPO_PROBE_SHARDS shards not fetched yet, the likeliest first, in turns), and those
         * nearest words go first, ordered as a bigram model would: their edit's odds times
         * how often the pair is found (beside two words: df(left, w) × df(w, right) /
         * count(w), each + 1); a suspect none of whose nearest words looked up has a pair
         * keeps its order. A suspect found as typed (`unsure`: beside a pair found nowhere,
         * or the rarest word) is kept as a typo only where a nearest word stands beside a
         * query word (typoMakesTitle): only the nearest words looked up (within
         * TYPO_PROBE_FOUND_SHARDS) and found beside one are tried, and none when none is
         * (a name's word beside a title word fetched twelve shards for nothing). */
        var unsure = unpaired || rare >= 0;
        async function byContext() {
          var probes = words.map(function () { return []; });
          var fresh = new Set();
          var budget = Math.min(unsure ? TYPO_PROBE_FOUND_SHARDS : TYPO_PROBE_SHARDS, shardsLeft(received - since - joinSpent));
          for (var rank = 0; rank < TYPO_PROBE; rank++) {
            words.forEach(function (w, wi) {
              var e = fixes[wi][rank];
              if (!e || !pairsOf(wi).length) return;
              var terms = typoPairTerms(wi, e[0]);
              var files = unfetched(terms, fresh);
              if (fresh.size + new Set(files).size > budget) return;
              files.forEach(function (f) { fresh.add(f); });
              probes[wi].push({ e: e, terms: terms });
            });
          }
          await Promise.all(probes.map(function (list) {
            return Promise.all(list.map(async function (x) {
              x.dfs = await Promise.all(x.terms.map(async function (t) { return dfOf(await spellings(t)); }));
            }));
          }));
          probes.forEach(function (list, wi) {
            if (unsure) {
              var none = list.filter(function (x) { return !x.dfs.some(Boolean); }).map(function (x) { return x.e; });
              fixes[wi] = fixes[wi].filter(function (e) { return none.indexOf(e) < 0; });
              list = list.filter(function (x) { return x.dfs.some(Boolean); });
            }
            if (!list.some(function (x) { return x.dfs.some(Boolean); })) return;
            list.forEach(function (x) {
              var v = x.dfs.reduce(function (a, d) { return a * (1 + d); }, oddsOf(x.e));
              x.v = x.dfs.length > 1 ? v / (1 + x.e[1]) : v;
            });
            var probed = list.slice().sort(function (a, b) { return b.v - a.v; }).map(function (x) { return x.e; });
            fixes[wi] = probed.concat(fixes[wi].filter(function (e) { return probed.indexOf(e) < 0; }));
          });
        }
        await byContext();
        var allowed = Math.max(0, Math.min(TYPO_SHARDS, shardsLeft(received - since - joinSpent)));
        var planned = new Set();
        var near = words.map(function () { return []; });
        for (var rank = 0; rank < TYPO_EXPANSIONS; rank++) {
          words.forEach(function (w, wi) {
            var e = fixes[wi][rank];
            if (!e) return;
            var files = unfetched([e[0]].concat(typoPairTerms(wi, e[0])), planned);
            var first = near.every(function (x) { return !x.length; });
            if (!first && planned.size + new Set(files).size > allowed) return;
            files.forEach(function (f) { planned.add(f); });
            near[wi].push(e);
          });
        }
        await Promise.all(words.map(async function (w, wi) {
          /* A Telex tone key typed last ("hanhf") says which spelling was meant ("hành"). */
          var keyed = near[wi].length ? telex(w.word, true) : null;
          await Promise.all(near[wi].map(async function (e) {
            var as = keyed && iKey(foldNormalized(keyed)) === e[0] ? { word: keyed, marked: true } : typed(w);
            /* The likelier the edit, the more the word counts: TYPO_FACTOR times its odds
             * (typoOdds: a letter left out, 1, counts more than one changed far from its
             * key, 0.04). */
            var factor = TYPO_FACTOR * oddsOf(e);
            var sp = await spellingsFor(e[0], [as], factor);
            if (sp.length) w.alts.push(alternative(e[0], sp, 'typo'));
            await Promise.all(pairsOf(wi).map(function (p) {
              var x = typoPair(p, wi, e[0]);
              return addPair(p, x.a, x.b, x.fa, x.fb, factor, 'typo');
            }));
          }));
        }));
        if (fixes.some(function (f) { return f.length; })) {
          await fetchAlts();
          /* A word that is another word typed wrong is taken for a typo only where that
           * makes a title hold every word: else the words as typed stand (a name and a word
           * of the title, say, need not stand together). */
          if ((unpaired || rare >= 0) && !(await typoMakesTitle())) {
            words.forEach(function (w) { w.alts = w.alts.filter(function (a) { return a.kind !== 'typo'; }); });
            pairs.forEach(function (p) { p.alts = p.alts.filter(function (a) { return a.kind !== 'typo'; }); });
          }
          found = candidates(true);
        }
      }
      incomplete = fromHeads(false);
      if (incomplete && found.size < FULL_MIN) return null;
      if (!found.size && quoted) {
        /* No bulletin has the exact phrase: the ones with its words closest together. */
        phraseMissing = true;
        found = candidates(false);
      }

      var marked = words.some(function (w) { return w.marked; });
      /* Typed with marks, and meant so: each pair (or the one word) as typed in at least
       * MEANT_SHARE of the bulletins that have it in any spelling. */
      function typedShare(alt) {
        var all = dfOf(alt.sp);
        return all ? dfOf(alt.sp.filter(function (x) { return x.q === 1; })) / all : 0;
      }
      var meant = marked && (words.length === 1
        ? typedShare(words[0].alts[0]) >= MEANT_SHARE
        : pairs.length === words.length - 1 && pairs.every(function (p) { return typedShare(p.alts[0]) >= MEANT_SHARE; }));
      var pairIdf = pairs.map(function (p) { return p.alts.map(function (a) { return idf(Math.max(1, a.df), n); }); });
      words.forEach(function (w) { w.alts.forEach(function (a) { a.idf = idf(Math.max(1, a.df), n); }); });
      /* Where in bulletin `id`'s title a term first is, in `title` (any spelling) and
       * `typed` (spelled as typed), each from 1, or 0; `shift` moves it to the pair's second
       * word. */
      function titleAt(map, id, shift, into) {
        var t = map.t.get(id);
        if (t && (!into.title || t + shift < into.title)) into.title = t + shift;
        var te = map.te.get(id);
        if (te && (!into.typed || te + shift < into.typed)) into.typed = te + shift;
      }
      /* Titles first: one that starts with the query (3), then one that holds it as a
       * phrase (2), then one that holds all its words (1), else 0; from where each word and
       * pair first is in the title. */
      function titleTier(wordTitle, pairTitle) {
        var phrase;
        if (words.length === 1) {
          phrase = wordTitle[0] > 0;
        } else {
          phrase = pairs.length === words.length - 1 && pairTitle.every(function (t, k) {
            return t > 0 && (k === 0 || t === pairTitle[k - 1] + 1);
          });
        }
        var starts = phrase && (words.length === 1 ? wordTitle[0] === 1 : pairTitle[0] === 1);
        return starts ? 3 : phrase ? 2 : wordTitle.every(function (t) { return t > 0; }) ? 1 : 0;
      }
      function score(id) {
        var total = 0, matched = 0;
        var wordTitle = [], wordTyped = [];
        var typo = new Array(words.length).fill(null);
        /* For a word read as a nearest word through a pair: that pair, and the word's side. */
        var held = new Array(words.length).fill(null);
        words.forEach(function (w, wi) {
          var best = 0, has = false, via = null, viaPair = 0;
          var at = { title: 0, typed: 0 };
          w.alts.forEach(function (a) {
            var s = a.map && a.map.s.get(id);
            if (s === undefined || s === null) return;
            has = true;
            var v = a.idf * s / scale;
            if (v > best) { best = v; via = a; }
            titleAt(a.map, id, 0, at);
          });
          if (w.title && w.title.s.has(id)) {
            has = true;
            best = Math.max(best, w.alts[0].idf * w.title.s.get(id) / scale);
            titleAt(w.title, id, 0, at);
          }
          pairsOf(wi).forEach(function (p) {
            p.alts.forEach(function (a) {
              var s = a.map.s.get(id);
              if (s === undefined) return;
              has = true;
              if (!w.alts[0].map) best = Math.max(best, w.alts[0].idf * s / scale);
              titleAt(a.map, id, p.at === wi ? 0 : 1, at);
              /* Of the nearest words it has (and not the word as typed), the one beside a
               * query word is the one it has. */
              if (a.kind === 'typo' && (!via || via.kind === 'typo') && s > viaPair) {
                var near = a.folded.split(' ')[p.at === wi ? 0 : 1];
                w.alts.forEach(function (x) {
                  if (x.kind === 'typo' && x.folded === near) { via = x; viaPair = s; held[wi] = { alt: a, side: p.at === wi ? 0 : 1 }; }
                });
              }
            });
          });
          if (has) { matched++; total += best; }
          wordTitle.push(at.title);
          wordTyped.push(at.typed);
          if (via && via.kind === 'typo') typo[wi] = via;
        });
        var adjacent = 0;
        var pairTyped = [];
        var pairTitle = pairs.map(function (p, pi) {
          var best = 0;
          var at = { title: 0, typed: 0 };
          p.alts.forEach(function (a, ai) {
            var s = a.map.s.get(id);
            if (s === undefined) return;
            best = Math.max(best, pairIdf[pi][ai] * s / scale);
            titleAt(a.map, id, 0, at);
          });
          /* A pair whose list was left out (a long query's): the title has it where its
           * words stand side by side. */
          var inferred = false;
          if (!best && p.alts[0].map.skipped) {
            var x = wordTitle[p.at], xt = wordTyped[p.at];
            if (x && wordTitle[p.at + 1] === x + 1) { at.title = x; inferred = true; }
            if (xt && wordTyped[p.at + 1] === xt + 1) at.typed = xt;
          }
          if (best || inferred) adjacent++;
          total += best;
          pairTyped.push(at.typed);
          return at.title;
        });
        if (pairs.length) total += ADJACENT_BONUS * (adjacent / pairs.length);
        var tier = titleTier(wordTitle, pairTitle);
        /* Typed with marks: the title's tier from the words as typed goes first, so that a
         * title spelled as typed is never below one that only matches another spelling. */
        var typedTier = marked ? titleTier(wordTyped, pairTyped) : tier;
        /* The words as typed (each pair of them) somewhere in the bulletin. */
        var exact = marked && (words.length === 1
          ? Boolean(words[0].alts[0].map && words[0].alts[0].map.exact.has(id))
          : pairs.length === words.length - 1 && pairs.every(function (p) {
            return p.alts[0].map.skipped || p.alts[0].map.exact.has(id);
          }));
        /* Within a tier, the title with the query nearer its start first. */
        var at = tier === 2 ? pairTitle[0] : tier === 1 ? Math.max.apply(null, wordTitle) : 0;
        /* A quoted phrase as typed anywhere goes before titles; so do the words as typed
         * when the archive spells them mostly so (the query says what it means: "lây
         * nhiễm" before a title with "lấy … nhiệm"); else titles first ("hà nôi": "Hà Nội"
         * in a title before "hà nôi" in a text). */
        var rank = quoted ? [exact, tier] : meant ? [typedTier, exact, tier] : [typedTier, tier, exact];
        return { total: total, matched: matched, rank: rank.map(Number), tier: tier, at: at, typo: typo, held: held };
      }

      /* A long query (MANY_WORDS) in few bulletins: one of its words may be typed as
       * another, rare word ("hươn" for "hương": one text has it), which alone then picks
       * the candidates (the common words' lists are not fetched). The bulletins with all
       * but two of the pairs whose lists are known (a word typed wrong breaks two) are
       * candidates too, when no candidate is one of them. */
      if (thrifty && found.size < QUORUM_BELOW && !quoted) {
        var known = pairs.filter(function (p) { return !p.alts[0].map.skipped; });
        if (known.length >= 4) {
          var held = new Map();
          known.forEach(function (p) {
            var ids = new Set();
            p.alts.forEach(function (a) { a.map.s.forEach(function (_, id) { ids.add(id); }); });
            ids.forEach(function (id) { held.set(id, (held.get(id) || 0) + 1); });
          });
          var quorum = function (id) { return (held.get(id) || 0) >= known.length - 2; };
          /* (Unless a candidate already has them: the query is as typed.) */
          if (!Array.from(found).some(quorum)) {
            held.forEach(function (_, id) { if (quorum(id) && (filter === null || filter.has(id))) found.add(id); });
          }
        }
      }
      var partial = false;
      if (!found.size && words.length > 1) {
        /* Nothing has every word: the best partial matches, most words first. */
        partial = true;
        words.forEach(function (_, wi) {
          (setFor(wi) || new Set()).forEach(function (id) { if (filter === null || filter.has(id)) found.add(id); });
        });
      }

      /* Higher ranks first, compared in order. */
      function byRank(x, y) {
        for (var k = 0; k < x.length; k++) if (x[k] !== y[k]) return y[k] - x[k];
        return 0;
      }
      var scores = new Map();
      found.forEach(function (id) { scores.set(id, score(id)); });
      var ids = Array.from(found);
      if (params.sort === 'new') {
        ids.sort(function (a, b) { return b - a; });
      } else {
        ids.sort(function (a, b) {
          var x = scores.get(a), y = scores.get(b);
          return (y.matched - x.matched) || byRank(x.rank, y.rank) || (x.at - y.at) || (y.total - x.total) || (b - a);
        });
      }
      /* A quoted phrase of three words or more: of the first bulletins, those whose phrase
       * filter holds each of its word triples come first (the pairs alone may stand apart). */
      var triples = [];
      query.groups.forEach(function (g) {
        if (!g.quoted) return;
        for (var k = g.first; k + 2 <= g.last; k++) {
          triples.push(tripleHash(words[k].folded, words[k + 1].folded, words[k + 2].folded));
        }
      });
      if (triples.length && params.sort !== 'new' && ids.length) {
        /* Ten at a time: the next ten only when none of the first holds the phrase. */
        var held = [];
        for (var from = 0; !held.length && from < Math.min(ids.length, PHRASE_CHECK); from += PHRASE_ROUND) {
          var checked = ids.slice(from, Math.min(from + PHRASE_ROUND, PHRASE_CHECK));
          var filters = await Promise.all(checked.map(async function (id) {
            var chunk = (await load(numbered(m, 'b/', Math.floor(id / m.chunk)))) || [];
            return chunk[id % m.chunk] || '';
          }));
          held = checked.filter(function (id, k) {
            return triples.every(function (tr) { return filterHas(filters[k], tr); });
          });
        }
        if (!held.length) {
          if (incomplete) return null;
          phraseMissing = true;
        } else {
          var first = new Set(held);
          ids = held.concat(ids.filter(function (id) { return !first.has(id); }));
        }
      }
      /* The query as the first result answers it, when a typo was forgiven there. */
      var top = ids.length ? scores.get(ids[0]) : null;
      /* Read from heads (a word's, a pair's or a title's), a first result not known to
       * hold every word, or neither in its title nor (two words) standing together as
       * typed (for a quoted phrase: not holding each of its pairs, as typed when typed
       * with marks), says little: the heads hold only the bulletins first for each term
       * alone, and a title holding the words in another order than typed is in none of
       * its pairs' heads. The query runs on the whole lists. (One word: its head is what
       * it ranks first.) */
      function holds(p) { return p.alts.some(function (a) { return a.map.s.has(ids[0]); }); }
      var vouched = top && (quoted
        ? (!marked || top.rank[0] === 1) && pairs.every(function (p) { return !p.quoted || holds(p); })
        : words.length === 1 || top.tier >= 1 || (words.length === 2 && pairs.length === 1 && holds(pairs[0])));
      if (top && (top.matched < words.length || !vouched) && fromHeads(true)) return null;
      if (top && (top.typo.some(Boolean) || words.some(function (w) { return w.telex || w.joined; }))) {
        corrected = words.map(function (w, wi) {
          var a = top.typo[wi];
          if (!a) return w.word;
          /* A query typed without marks, and nothing saying which spelling was meant: the
           * letters put right, no marks added ("ha noii": "ha noi"). */
          if (!marked && a.sp.every(function (x) { return x.q === a.sp[0].q; })) return a.folded;
          /* Else the spelling the first result has: beside a query word, as the pair it was
           * found through has it, or as the word has it; the best of those as typed. */
          var pair = top.held[wi];
          var had = pair ? heldSpelling(pair.alt, ids[0]) : heldSpelling(a, ids[0]);
          if (had) return pair ? had.split(' ')[pair.side] : had;
          var best = bestSpelling(a.sp);
          return best ? best.spelling : a.folded;
        }).join(' ');
      }
      var highlight = [];
      words.forEach(function (w) {
        w.alts.forEach(function (a) { if (a.map) highlight.push({ folded: a.folded }); });
      });
      /* While typing beside a word before: no title starts with the query, and the word being
       * typed may be more words than were looked for. */
      var wider = Boolean(params.typing && !params.wide && !last.quoted && !(top && top.tier === 3) &&
        pairs.some(function (p) { return p.at === words.length - 2; }) &&
        (await completions(last, PREFIX_PAIRS)).length > PREFIX_EXPANSIONS);
      return {
        total: ids.length, ids: ids, words: highlight, partial: partial, scores: scores,
        corrected: corrected, phraseMissing: phraseMissing && ids.length > 0, more: incomplete,
        wider: wider
      };
    }

    /* A triple of folded words' hash: FNV-1a of their own FNV-1a hashes' twelve bytes,
     * little-endian (src/search/phrases.rs). */
    function tripleHash(a, b, c) {
      var h = 0x811c9dc5;
      [a, b, c].forEach(function (w) {
        var x = fnv(w, 0x811c9dc5);
        for (var k = 0; k < 4; k++) {
          h ^= (x >>> (8 * k)) & 0xff;
          h = Math.imul(h, 0x01000193) >>> 0;
        }
      });
      return h;
    }

    /* Whether a phrase filter (base64 of a Bloom filter, src/search/phrases.rs) holds the
     * triple whose hash is `h`. */
    function filterHas(filter, h) {
      if (!filter) return false;
      var bits = filterBits.get(filter);
      if (!bits) {
        bits = atob(filter);
        if (filterBits.size > 200) filterBits.clear();
        filterBits.set(filter, bits);
      }
      var size = bits.length * 8;
      var step = (fnv('#', h) | 1) >>> 0;
      for (var i = 0; i < PHRASE_HASHES; i++) {
        var bit = ((h + Math.imul(i, step)) >>> 0) % size;
        if (!(bits.charCodeAt(bit >> 3) & (1 << (bit & 7)))) return false;
      }
      return true;
    }
    var filterBits = new Map();

    /* The words one edit (insertion, deletion, substitution, transposition) from folded
     * word `f`, from the lists by first and second letter and length, likeliest first (by
     * frequency times the odds of the edit, typoOdds): [[word, df, likelihood]]. */
    async function nearWords(f) {
      var m = await manifest();
      var c = Array.from(f);
      /* By first letter: a letter changed, dropped or added after the first; a letter added
       * before the word; the first two swapped. By second letter ('~~'): the first letter
       * changed, or left out. */
      var keys = [['~', c[0], c.length - 1], ['~', c[0], c.length], ['~', c[0], c.length + 1],
        ['~', c[1], c.length - 1], ['~', c[1], c.length], ['~~', c[1], c.length], ['~~', c[0], c.length + 1]];
      var groups = await Promise.all(keys.map(function (k) {
        var key = k[0] + k[1] + k[2];
        return load('x/' + shardOf(key, m.prefix_files) + '.json.gz').then(function (g) { return (g && g[key]) || []; });
      }));
      var seen = new Set();
      var out = [];
      groups.forEach(function (g) {
        g.forEach(function (e) {
          var odds = seen.has(e[0]) ? 0 : typoOdds(c, Array.from(e[0]));
          if (odds) { seen.add(e[0]); out.push([e[0], e[1], e[1] * odds]); }
        });
      });
      return out.sort(function (a, b) { return b[2] - a[2] || (a[0] < b[0] ? -1 : 1); });
    }

    /* Metadata of bulletins by id. */
    async function docs(ids) {
      var m = await manifest();
      return Promise.all(ids.map(async function (id) {
        var chunk = (await load(numbered(m, 'd/', Math.floor(id / m.chunk)))) || [];
        var d = chunk[id % m.chunk];
        return d ? Object.assign({ id: id }, d) : null;
      }));
    }

    /* Facets for a result set: years from id ranges, and the tags, authors and sections of
     * the shown results, each counted over the whole set when its list is short enough to
     * fetch (FACET_POSTINGS over them all, the shortest first); a count is null where it is
     * not known: a list too long, or a result set with `more` beyond it. */
    async function facets(result, shown) {
      var m = await manifest();
      var ids = new Set(result.ids);
      var years = (m.years || []).map(function (y) {
        var c = 0;
        ids.forEach(function (id) { if (id >= y[1] && id < y[1] + y[2]) c++; });
        return { name: String(y[0]), count: c };
      }).filter(function (y) { return y.count > 0; });
      if (result.more) years.forEach(function (y) { y.count = null; });
      var budget = FACET_POSTINGS;
      async function count(kind, names, limit) {
        var freq = new Map();
        names.forEach(function (nm) { freq.set(nm, (freq.get(nm) || 0) + 1); });
        var top = Array.from(freq.keys()).sort(function (a, b) { return freq.get(b) - freq.get(a); }).slice(0, limit);
        /* Counts over a result with `more` would be wrong: none are fetched. */
        if (result.more) return top.map(function (nm) { return { name: nm, count: null }; });
        var keys = top.map(function (nm) { return kind + ':' + nameKey(nm); });
        var entries = await Promise.all(keys.map(pseudoEntry));
        var order = top.map(function (_, k) { return k; }).sort(function (a, b) {
          return (entries[a] ? entryDf(entries[a]) : 0) - (entries[b] ? entryDf(entries[b]) : 0);
        });
        var counted = order.map(function (k) {
          var df = entries[k] ? entryDf(entries[k]) : 0;
          if (isElsewhere(entries[k]) && df > budget) return false;
          if (isElsewhere(entries[k])) budget -= df;
          return true;
        });
        var out = await Promise.all(order.map(async function (k, j) {
          if (!counted[j]) return { name: top[k], count: null, shown: freq.get(top[k]) };
          var list = entries[k] ? await postings(keys[k], entries[k]) : new Map();
          var c = 0;
          list.forEach(function (_, id) { if (ids.has(id)) c++; });
          return { name: top[k], count: c, shown: freq.get(top[k]) };
        }));
        /* Counted ones by count; the uncounted (the broadest lists) first, as often shown. */
        return out.filter(function (x) { return x.count !== 0; }).sort(function (a, b) {
          if ((a.count === null) !== (b.count === null)) return a.count === null ? -1 : 1;
          return a.count === null ? b.shown - a.shown : b.count - a.count;
        }).map(function (x) { return { name: x.name, count: x.count }; });
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
    /* The words are found in the text without the full stops inside numbers ("5.300" is the
     * number 5300, as the tokenizer reads it) and the characters it passes over; `place` is
     * where each of its characters is. */
    var inside = numberStops(chars), seen = [], place = [];
    chars.forEach(function (c, i) {
      if (inside[i] || PASSED_OVER.test(c)) return;
      seen.push(c);
      place.push(i);
    });
    var folded = seen.map(function (c) { return foldNormalized(c.toLowerCase()) || ' '; });
    var hits = [];
    function isWordChar(i) { return i >= 0 && i < chars.length && WORD_CHAR.test(chars[i]); }
    function isSeenWordChar(i) { return i >= 0 && i < seen.length && WORD_CHAR.test(seen[i]); }
    words.forEach(function (w, wi) {
      var f = Array.from(w.folded);
      /* A word keyed with i is written with y too ("li": "lý"). */
      var iy = KEYED_I.test(w.folded) ? f.length - 1 : -1;
      for (var i = 0; i + f.length <= seen.length; i++) {
        if (isSeenWordChar(i - 1) || isSeenWordChar(i + f.length)) continue;
        var ok = true;
        for (var j = 0; j < f.length && ok; j++) {
          if (folded[i + j] !== f[j] && !(j === iy && folded[i + j] === 'y')) ok = false;
        }
        if (ok) hits.push({ at: place[i], len: place[i + f.length - 1] + 1 - place[i], w: wi });
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

  var api = { createEngine: createEngine, tokenize: tokenize, fold: fold, normalize: normalize, parseQuery: parseQuery, snippet: snippet, shardOf: shardOf };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof window !== 'undefined') window.bantinSearch = api;
})();
