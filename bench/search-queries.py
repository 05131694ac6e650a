#!/usr/bin/env python3
"""Writes a query set for bench/search-quality.js from a folder of bulletins.

    bench/search-queries.py CONTENT_DIR --set tune|report [--per-class 150] > queries.jsonl

Each line is {"class", "q", "titles", "tied"}: a query a reader would type, the titles of the
bulletins that answer it (found = one of them is first), and how many titles answer it as well
by the class's own rule (below), among which no ranking can pick the wanted one from the query
alone. Queries are drawn from the bulletins
of one half of the folder (by a hash of the file's path): `--set tune` for the half the
ranking was tuned on, `--set report` for the other, which nothing was tuned on. The classes:

  title         the first title words, typed without marks
  phrase        three words in a row from one sentence of the body, quoted
  phrase-cross  three words in a row that cross punctuation or a number, quoted
  tone          the first title words with one tone mark dropped or changed
  typo          the first title words with a one-letter typo in one word (typed unmarked)
  reordered     the first title words in another order
  name          a person's or place's name, no marks, plus a title word
  telex         the first title words typed in Telex with the input method off ("vieetj")
  typo-marked   the first title words typed with marks, a one-letter typo in one of its
                words with marks, its marks kept ("hà nộii")
  typing        the first title words typed with marks, the last of them (four letters or more)
                short of its last two letters, as a reader sees results while typing
  words         two words in a row from one sentence of the body, both with marks, typed as
                written, not quoted ("lây nhiễm")
  words-tone    the same two words with one tone mark dropped or changed ("lây nhiêm")
  joined        the first title words typed without marks, two of them side by side typed
                without the space between them ("hanoi mua to")
  headline      a whole title of six words or more, pasted as written (marks, punctuation)
  headline-plain  the same title's words typed without marks
  headline-typo  the same title as written, one of its words with marks typed with a one-letter
                typo, its marks kept (as typo-marked)
  sentence      seven words in a row from one sentence of the body (no number among them), typed
                as written, not quoted: found when a bulletin with them in a row is first
  i-y           the first title words typed with marks, one syllable written with a final i or
                y alike written the other way ("xử lí rác" for "Xử lý rác")
  number        a number a title writes with full stops between its thousands, typed without
                them, and the two title words after it ("5300 tỷ nối" for "… 5.300 tỷ nối …")

`tied` counts, for the title classes (title, tone, typo, typo-marked, typing, reordered, telex,
joined, i-y), the titles that begin with the same words; for the headline classes, the titles with
the same words; for number, the titles with the number and the two words after it; for name, the titles that have the title word of bulletins that have the
name. A phrase counts as found when any bulletin that has the three words in a row in its title,
summary or body (numbers and punctuation between them ignored, as the reader ignores them) is
first; `unique` says
whether only one bulletin has it. So do the two words of `words` and `words-tone` (as written).
These two classes, typo-marked, joined, headline-typo, sentence and i-y draw from random streams of
their own, and headline and headline-plain on nothing random, so adding them left the other
classes' queries as they were; number draws on nothing random either.
"""
import argparse
import hashlib
import json
import os
import random
import re
import sys
import unicodedata

TONES = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323']
# A number written with full stops between its thousands ("5.300") is one word, as bantin's
# tokenizer reads it (and as a reader types it from the page).
TOKEN = re.compile(r'(?<![^\W_])\d{1,3}(?:\.\d{3})+(?!\d)[^\W_]*|[^\W_]+')
SENTENCE_END = re.compile(r'[.!?…;]')


def normalize(s):
    s = unicodedata.normalize('NFC', s)
    return s.replace('\u00d0', '\u0110').replace('\u00f0', '\u0111')


def fold(w):
    d = unicodedata.normalize('NFD', w)
    return ''.join(c for c in d if not unicodedata.combining(c)).replace('đ', 'd').replace('Đ', 'D').lower()


TELEX_TONES = {'\u0301': 's', '\u0300': 'f', '\u0309': 'r', '\u0303': 'x', '\u0323': 'j'}


def telex(w):
    """The keys a word is typed with in Telex (â aa, ă aw, ơ ow, ư uw, đ dd; its tone's key last)."""
    out, tone = '', ''
    for c in unicodedata.normalize('NFD', w.lower()):
        if c in TELEX_TONES:
            tone = TELEX_TONES[c]
        elif c == '\u0302':
            out += out[-1]
        elif c in ('\u0306', '\u031b'):
            out += 'w'
        else:
            out += 'dd' if c == 'đ' else c
    return out + tone


def read(path):
    text = open(path, encoding='utf-8').read()
    m = re.match(r'---\n(.*?)\n---\n(.*)', text, re.S)
    if not m:
        return None
    title = re.search(r'^title:\s*"?(.*?)"?\s*$', m.group(1), re.M)
    if not title:
        return None
    summary = re.search(r'^summary:\s*"?(.*?)"?\s*$', m.group(1), re.M)
    summary = summary.group(1).replace('\\"', '"') if summary else ''
    return normalize(title.group(1).replace('\\"', '"')), normalize(m.group(2)), normalize(summary)


def tokens_with_gaps(text):
    """[(word, gap before it)] of one paragraph."""
    out, last = [], 0
    for m in TOKEN.finditer(text):
        out.append((m.group(0), text[last:m.start()]))
        last = m.end()
    return out


def is_number(w):
    """Whether a word is a number ("2019", "5.300")."""
    return w.replace('.', '').isdigit()


def words_only(paragraph):
    """The lower-cased words of a paragraph with numbers left out."""
    return [w.lower() for w, _ in tokens_with_gaps(paragraph) if not is_number(w)]


def retone(word, rng):
    d = unicodedata.normalize('NFD', word)
    tone = next((c for c in d if c in TONES), None)
    if tone is None:
        return None
    others = [t for t in TONES if t != tone] + ['']
    new = rng.choice(others)
    # The new tone after the vowel's other marks, as a keyboard puts it ("ệ" → "ễ", not
    # "ẽ" with a circumflex over it, which NFC leaves apart: both marks sit above).
    at = d.index(tone)
    rest = d[:at] + d[at + 1:]
    while at < len(rest) and unicodedata.combining(rest[at]):
        at += 1
    return unicodedata.normalize('NFC', rest[:at] + new + rest[at:])


def one_edit(w, rng):
    """`w` with one letter changed, left out, added or swapped with the next one (a letter
    added or changed has no marks), or None."""
    letters = 'abcdeghiklmnopqrstuvxy'
    i = rng.randrange(len(w))
    kind = rng.choice(['sub', 'del', 'ins', 'swap'])
    if kind == 'sub':
        out = w[:i] + rng.choice([c for c in letters if c != w[i]]) + w[i + 1:]
    elif kind == 'del':
        out = w[:i] + w[i + 1:]
    elif kind == 'ins':
        out = w[:i] + rng.choice(letters) + w[i:]
    else:
        if i + 1 >= len(w) or w[i] == w[i + 1]:
            return None
        out = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return out if out != w else None


def typo(word, rng):
    """A one-letter typo in a word typed without marks."""
    w = fold(word)
    return one_edit(w, rng) if len(w) >= 3 and w.isalpha() else None


def typo_marked(word, rng):
    """A one-letter typo in a word typed with marks, which it keeps."""
    w = unicodedata.normalize('NFC', word.lower())
    return one_edit(w, rng) if len(w) >= 3 and word.isalpha() and fold(word) != word.lower() else None


def names_in(text):
    """Capitalised runs of two or three words, not at the start of a sentence."""
    out = []
    for para in text.split('\n'):
        toks = tokens_with_gaps(para)
        i = 0
        while i < len(toks):
            j = i
            while j < len(toks) and toks[j][0][:1].isupper() and not toks[j][0].isupper() and (j == i or toks[j][1] == ' '):
                j += 1
            if 2 <= j - i <= 3 and i > 0 and not SENTENCE_END.search(toks[i][1]):
                out.append(' '.join(w for w, _ in toks[i:j]))
            i = max(j, i + 1)
    return out


# A syllable written with a final i or y alike: an initial among h, k, l, m, s, t and qu, and
# that one vowel ("lý"/"lí", "quý"/"quí"); its last letter, the other way, tone kept.
I_OR_Y = re.compile(r'^([hklmst]|qu)[iy]$')
SWAP_I_Y = dict(zip('yýỳỷỹỵiíìỉĩị', 'iíìỉĩịyýỳỷỹỵ'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('content')
    ap.add_argument('--set', choices=['tune', 'report'], required=True)
    ap.add_argument('--per-class', type=int, default=150)
    args = ap.parse_args()
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.content) for f in fs if f.endswith('.md'))
    docs = []
    for path in files:
        r = read(path)
        if r:
            docs.append((path, r[0], r[1], r[2]))
    rel = lambda p: os.path.relpath(p, args.content)
    half = 0 if args.set == 'tune' else 1
    mine = [d for d in docs if hashlib.sha1(rel(d[0]).encode()).digest()[0] % 2 == half]
    rng = random.Random(f'bantin-{args.set}')
    rng.shuffle(mine)
    queries = []
    want = {c: args.per_class for c in ['title', 'phrase', 'phrase-cross', 'tone', 'typo', 'reordered', 'name', 'telex',
                                        'words', 'words-tone', 'typo-marked', 'typing', 'joined',
                                        'headline', 'headline-plain', 'headline-typo', 'sentence', 'i-y', 'number']}
    rng_words = random.Random(f'bantin-{args.set}-words')
    rng_marked = random.Random(f'bantin-{args.set}-typo-marked')
    rng_joined = random.Random(f'bantin-{args.set}-joined')
    rng_sentence = random.Random(f'bantin-{args.set}-sentence')
    rng_headline = random.Random(f'bantin-{args.set}-headline-typo')
    rng_iy = random.Random(f'bantin-{args.set}-i-y')

    def add(cls, q, titles=None, phrase=None):
        if want[cls] > 0:
            want[cls] -= 1
            queries.append({'class': cls, 'q': q, 'titles': titles or [], 'phrase': phrase})

    for path, title, body, _ in mine:
        if not any(want.values()):
            break
        tw = [w for w, _ in tokens_with_gaps(title)]
        if len(tw) >= 6:
            add('headline', title, [title])
            add('headline-plain', ' '.join(fold(w) for w in tw), [title])
            spots = [m for m in TOKEN.finditer(title)
                     if len(m.group(0)) >= 3 and m.group(0).isalpha() and fold(m.group(0)) != m.group(0).lower()]
            if spots:
                m = rng_headline.choice(spots)
                t = typo_marked(m.group(0), rng_headline)
                if t:
                    add('headline-typo', title[:m.start()] + t + title[m.end():], [title])
        first = tw[:4]
        if len(first) >= 3:
            add('title', ' '.join(fold(w) for w in first), [title])
            if any(telex(w) != w.lower() for w in first):
                add('telex', ' '.join(telex(w) for w in first), [title])
            spots = [i for i, w in enumerate(first) if retone(w, rng) is not None]
            if spots:
                i = rng.choice(spots)
                changed = list(first)
                changed[i] = retone(first[i], rng)
                add('tone', ' '.join(changed).lower(), [title])
            # A typo in one word (typed without marks), or in one with marks, which it keeps.
            for cls, make, r, fits in (
                ('typo', typo, rng, lambda w: len(fold(w)) >= 3),
                ('typo-marked', typo_marked, rng_marked, lambda w: len(w) >= 3 and w.isalpha() and fold(w) != w.lower()),
            ):
                spots = [i for i, w in enumerate(first) if fits(w)]
                if spots:
                    i = r.choice(spots)
                    t = make(first[i], r)
                    if t:
                        changed = [w.lower() for w in first]
                        changed[i] = t
                        add(cls, ' '.join(changed), [title])
            typing = [w.lower() for w in first]
            if len(typing[-1]) >= 4 and typing[-1].isalpha():
                add('typing', ' '.join(typing[:-1] + [typing[-1][:-2]]), [title])
            spots = [i for i in range(len(first) - 1) if first[i].isalpha() and first[i + 1].isalpha()]
            if spots:
                i = rng_joined.choice(spots)
                joined = [fold(w) for w in first]
                joined[i:i + 2] = [joined[i] + joined[i + 1]]
                add('joined', ' '.join(joined), [title])
            # A syllable written with a final i or y alike, written the other way ("lý" → "lí").
            spots = [i for i, w in enumerate(first) if I_OR_Y.match(fold(w)) and w.lower()[-1] in SWAP_I_Y]
            if spots:
                i = rng_iy.choice(spots)
                changed = [w.lower() for w in first]
                changed[i] = changed[i][:-1] + SWAP_I_Y[changed[i][-1]]
                add('i-y', ' '.join(changed), [title])
            order = list(first)
            while order == first:
                rng.shuffle(order)
            add('reordered', ' '.join(order).lower(), [title])
        # A number written with full stops between its thousands, typed without them.
        for k, w in enumerate(tw[:-2]):
            if '.' in w and is_number(w):
                add('number', ' '.join([w.replace('.', '')] + [x.lower() for x in tw[k + 1:k + 3]]), [title])
                break
        names = names_in(title) or names_in(body)
        if names:
            name = rng.choice(names)
            nf = fold(name).split()
            extra = [fold(w) for w in tw if len(fold(w)) >= 3 and fold(w) not in nf and not is_number(w)]
            if extra:
                add('name', fold(name) + ' ' + rng.choice(extra), [title])
        paras = [p for p in body.split('\n') if len(p) > 80]
        if paras:
            para = rng.choice(paras)
            toks = [(w, g) for w, g in tokens_with_gaps(para)]
            # Positions of three words in a row, numbers skipped.
            words = [(i, w) for i, (w, g) in enumerate(toks) if not is_number(w)]
            for _ in range(6):
                if len(words) < 4:
                    break
                k = rng.randrange(len(words) - 2)
                (a, wa), (b, wb), (c, wc) = words[k:k + 3]
                gaps = ''.join(g for _, g in toks[a + 1:c + 1]) + ''.join(w for w, _ in toks[a + 1:c] if is_number(w))
                if SENTENCE_END.search(gaps.replace(',', '')) and not re.search(r'\d', gaps):
                    continue
                crosses = b != a + 1 or c != b + 1 or bool(re.search(r'[^\s]', gaps))
                cls = 'phrase-cross' if crosses else 'phrase'
                if want[cls] > 0:
                    add(cls, '"' + ' '.join(w.lower() for w in (wa, wb, wc)) + '"', None, [wa.lower(), wb.lower(), wc.lower()])
                    break
        if paras and want['sentence'] > 0:
            toks = tokens_with_gaps(rng_sentence.choice(paras))
            # Seven words, no number among them, no sentence's end between them.
            spots = [i for i in range(1, len(toks) - 6)
                     if not any(is_number(w) for w, _ in toks[i:i + 7])
                     and not any(SENTENCE_END.search(g) for _, g in toks[i + 1:i + 7])]
            if spots:
                i = rng_sentence.choice(spots)
                seven = [w.lower() for w, _ in toks[i:i + 7]]
                add('sentence', ' '.join(seven), None, seven)
        if paras and (want['words'] > 0 or want['words-tone'] > 0):
            toks = tokens_with_gaps(rng_words.choice(paras))
            # Two words with marks, side by side with only spaces between them.
            spots = [i for i in range(len(toks) - 1)
                     if all(fold(w) != w.lower() and not is_number(w) for w, _ in toks[i:i + 2]) and not toks[i + 1][1].strip()]
            if spots:
                i = rng_words.choice(spots)
                pair = [toks[i][0].lower(), toks[i + 1][0].lower()]
                add('words', ' '.join(pair), None, pair)
                k = rng_words.randrange(2)
                changed = retone(pair[k], rng_words)
                if changed:
                    add('words-tone', ' '.join(changed if j == k else w for j, w in enumerate(pair)), None, pair)
    # How many titles answer each query as well as the wanted one by its class's own rule: the
    # titles whose first words are the same (title, tone, typo, reordered), or that have the
    # title word and whose bulletin has the name (name). No ranking can tell them apart from the
    # query alone, so a class's best top-k is the mean of min(1, k / tied).
    def folded_words(text):
        return [fold(w) for w, _ in tokens_with_gaps(text)]

    starts, wholes = {}, {}
    for _, title, _, _ in docs:
        starts.setdefault(tuple(folded_words(title)[:4]), set()).add(title)
        wholes.setdefault(tuple(folded_words(title)), set()).add(title)
    named = [q for q in queries if q['class'] == 'name']
    texts = [(' ' + ' '.join(folded_words(t)) + ' ', ' ' + ' '.join(folded_words(b + '\n' + s)) + ' ')
             for _, t, b, s in docs] if named else []
    title_texts = [' ' + ' '.join(folded_words(t)) + ' ' for _, t, _, _ in docs]
    for q in queries:
        if q['class'] in ('title', 'tone', 'typo', 'typo-marked', 'typing', 'reordered', 'telex', 'joined', 'i-y'):
            q['tied'] = len(starts.get(tuple(folded_words(q['titles'][0])[:4]), ())) or 1
        elif q['class'] in ('headline', 'headline-plain', 'headline-typo'):
            q['tied'] = len(wholes.get(tuple(folded_words(q['titles'][0])), ())) or 1
        elif q['class'] == 'number':
            at = folded_words(q['titles'][0])
            k = next(i for i, w in enumerate(at) if w.replace('.', '') == q['q'].split()[0])
            run = ' ' + ' '.join(at[k:k + 3]) + ' '
            q['tied'] = sum(run in t for t in title_texts) or 1
        elif q['class'] == 'name':
            words = q['q'].split()
            name, word = ' ' + ' '.join(words[:-1]) + ' ', ' ' + words[-1] + ' '
            tied = {docs[i][1] for i, (t, b) in enumerate(texts) if word in t and (name in t or name in b)}
            q['tied'] = len(tied) or 1
    # The titles of every bulletin that has each phrase (three words, or two).
    wanted = {tuple(q['phrase']) for q in queries if q['phrase']}
    having = {p: set() for p in wanted}
    for _, title, body, summary in docs:
        for para in [title, summary] + body.split('\n'):
            ws = words_only(para)
            for n in (2, 3, 7):
                for i in range(len(ws) - n + 1):
                    t = tuple(ws[i:i + n])
                    if t in having:
                        having[t].add(title)
    for q in queries:
        if q['phrase']:
            q['titles'] = sorted(having[tuple(q['phrase'])])
            q['unique'] = len(q['titles']) == 1
        del q['phrase']
        print(json.dumps(q, ensure_ascii=False))
    short = {c: n for c, n in want.items() if n}
    if short:
        print(f'search-queries: too few bulletins for {short}', file=sys.stderr)


if __name__ == '__main__':
    main()
