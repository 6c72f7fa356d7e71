"""Scripts that print figures (speed, memory, page load), and the headless Chromium driver.

They live beside the installed packages, not in them: a user of `zhkg` needs none of this, and the
tests reach the browser driver as `benchmarks.browser` from the checkout's root. Run them from there:

    python -m benchmarks.build     # zhkg build against jieba.posseg + OpenCC; stages; scaling
    python -m benchmarks.ner       # the NER pipeline against jieba.posseg
    python -m benchmarks.sparql    # the shipped queries, pyoxigraph against rdflib
    python -m benchmarks.serve OUT # `zhkg serve` under load
    python -m benchmarks.report    # how fast report.html opens in headless Chromium
"""
